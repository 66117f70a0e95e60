import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  PLACEHOLDERS,
  type Placeholder,
  renderTemplate,
  type TemplateValues,
} from "../../../../src/core/html/template.ts";

const RUNS = { seed: 0x5717_0003, numRuns: 400 };

const anyUnit = fc.integer({ min: 0, max: 0xffff }).map((code) => String.fromCharCode(code));
/** Values as a visitor can send them (UTM parameters decode to any string), biased towards markup. */
const hostileValue = fc.oneof(
  fc.string({ unit: anyUnit, maxLength: 300 }),
  fc.string({
    unit: fc.constantFrom("<", ">", '"', "'", "&", "&amp;", "&#", ";", "x", " ", "/"),
    maxLength: 120,
  }),
  fc.constantFrom(
    '"><script>alert(1)</script>',
    "' onmouseover='alert(1)",
    "&lt;script&gt;",
    "{{utm.source}}",
    "</h1><img src=x onerror=alert(1)>",
    `${"x".repeat(99)}<script>`,
    `${"x".repeat(99)}&amp;`,
  ),
);
const values: fc.Arbitrary<TemplateValues> = fc.dictionary(
  fc.constantFrom(...PLACEHOLDERS),
  fc.option(hostileValue, { nil: undefined }),
) as fc.Arbitrary<TemplateValues>;

/** Author text with no markup and no braces, so anything markup-like in the output came from a value. */
const plainAuthorText = fc.string({
  unit: fc.constantFrom("a", "B", " ", "1", ".", "£", "é", "|"),
  maxLength: 20,
});
/** A fallback as an author may write it, hostile characters included; `}` would end the placeholder. */
const fallback = fc.option(
  fc.string({ unit: anyUnit, maxLength: 40 }).map((text) => text.replaceAll("}", "")),
  { nil: undefined },
);
const placeholder = fc
  .tuple(fc.constantFrom(...PLACEHOLDERS), fallback, fc.constantFrom("", " "))
  .map(([name, alt, space]) => ({
    name,
    alt,
    source: `{{${space}${name}${space}${alt === undefined ? "" : `|${alt}`}}}`,
  }));

/** Every `&` in escaped output starts one of the five entities escapeHtml writes. */
const ENTITY = /&(amp|lt|gt|quot|#39);/g;
function assertEscaped(text: string): void {
  const withoutEntities = text.replace(ENTITY, "");
  expect(withoutEntities).not.toMatch(/[<>"'&]/);
}

describe("renderTemplate in html mode (property-based)", () => {
  it("never lets a value or fallback introduce <, >, \", ' or & unescaped", () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.oneof(
            plainAuthorText,
            placeholder.map((p) => p.source),
          ),
        ),
        values,
        (parts, given) => {
          assertEscaped(renderTemplate(parts.join(""), given, "html"));
        },
      ),
      RUNS,
    );
  });

  it("keeps the author's markup verbatim and escapes exactly what each placeholder adds", () => {
    // Every piece of author markup starts with "<", which escaped output never contains, so the output splits
    // unambiguously into the author's markup and what each placeholder produced.
    const markup = fc.constantFrom("<b>", "</b>", '<a href="/sale">', "</a>", "<br>", "<em class='x'> & ");
    fc.assert(
      fc.property(
        markup,
        fc.array(fc.tuple(placeholder, markup), { maxLength: 6 }),
        values,
        (first, rest, given) => {
          const template = first + rest.map(([slot, after]) => slot.source + after).join("");
          let output = renderTemplate(template, given, "html");
          expect(output.startsWith(first)).toBe(true);
          output = output.slice(first.length);
          for (const [, after] of rest) {
            const end = output.indexOf("<");
            assertEscaped(output.slice(0, end));
            expect(output.slice(end).startsWith(after)).toBe(true);
            output = output.slice(end + after.length);
          }
          expect(output).toBe("");
        },
      ),
      RUNS,
    );
  });

  it("never expands a placeholder that arrives inside a value", () => {
    fc.assert(
      fc.property(fc.constantFrom(...PLACEHOLDERS), hostileValue, (name: Placeholder, value) => {
        const rendered = renderTemplate(`{{${name}}}`, { [name]: `{{utm.source}}${value}` }, "html");
        expect(rendered.startsWith("{{utm.source}}")).toBe(true);
      }),
      RUNS,
    );
  });

  it("caps a value at 100 characters before escaping, so an entity is never cut in half", () => {
    fc.assert(
      fc.property(hostileValue, (value) => {
        const rendered = renderTemplate("{{city}}", { city: value }, "html");
        assertEscaped(rendered);
        expect(rendered.replace(ENTITY, "_").length).toBeLessThanOrEqual(100);
      }),
      RUNS,
    );
  });
});
