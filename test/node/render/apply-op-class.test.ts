import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { NO_RENDER_DATA } from "../../../src/core/page-view/render-data.ts";
import { applyOp } from "../../../src/render/apply-op.ts";
import type { RewriterElement } from "../../../src/render/rewriter-types.ts";

/** An element with only a class attribute, recording what is written to it. */
function elementWithClass(value: string | null): RewriterElement & { written: string | undefined } {
  const element = {
    tagName: "DIV",
    written: undefined as string | undefined,
    getAttribute: (name: string) => (name === "class" ? value : null),
    setAttribute: (_name: string, written: string) => {
      element.written = written;
    },
    removeAttribute() {},
    setInnerContent() {},
    replace() {},
    remove() {},
    before() {},
    after() {},
    prepend() {},
    append() {},
  };
  return element;
}

/** What the class list ops are defined as: the attribute split at whitespace, the name added or dropped, joined. */
const names = (value: string | null) => (value ?? "").split(/\s+/).filter((name) => name !== "");
const added = (value: string | null, name: string) =>
  names(value).includes(name) ? undefined : [...names(value), name].join(" ");
const removed = (value: string | null, name: string) =>
  names(value).includes(name)
    ? names(value)
        .filter((other) => other !== name)
        .join(" ")
    : undefined;

const className = fc.stringMatching(/^-?[_a-zA-Z][_a-zA-Z0-9-]{0,6}$/);
const whitespace = fc.constantFrom(" ", "  ", "\t", "\n", "\r\n", "\f", "\u00a0", " \u2003 ");
// Class attributes built from names like the op's (prefixes, suffixes, the name itself) and any whitespace.
const classAttribute = (name: string) =>
  fc
    .array(
      fc.tuple(
        fc.oneof(className, fc.constant(name), fc.constant(`${name}-x`), fc.constant(`x${name}`)),
        whitespace,
      ),
      { maxLength: 5 },
    )
    .chain((parts) =>
      fc
        .tuple(fc.constantFrom("", " ", "\t"), fc.constantFrom("", " ", "\n"))
        .map(
          ([lead, trail]) =>
            `${lead}${parts.map(([part, space]) => part + space).join("")}`.trimEnd() + trail,
        ),
    );

describe("addClass and removeClass write the class list as split at whitespace, whatever the attribute's spacing", () => {
  it("adds a name not yet in the list, and leaves a list that has it untouched", () => {
    fc.assert(
      fc.property(
        className.chain((name) => fc.tuple(fc.constant(name), fc.option(classAttribute(name)))),
        ([name, value]) => {
          const element = elementWithClass(value);
          applyOp(element, { op: "addClass", selector: "div", value: name }, NO_RENDER_DATA, "div");
          expect(element.written).toBe(added(value, name));
        },
      ),
      { seed: 0x5717_c1a5, numRuns: 500 },
    );
  });

  it("removes every occurrence of the name, and leaves a list without it untouched", () => {
    fc.assert(
      fc.property(
        className.chain((name) => fc.tuple(fc.constant(name), fc.option(classAttribute(name)))),
        ([name, value]) => {
          const element = elementWithClass(value);
          applyOp(element, { op: "removeClass", selector: "div", value: name }, NO_RENDER_DATA, "div");
          expect(element.written).toBe(removed(value, name));
        },
      ),
      { seed: 0x5717_c1a5, numRuns: 500 },
    );
  });

  it("keeps names separated by non-breaking or other Unicode spaces apart, as the split does", () => {
    const element = elementWithClass("a\u00a0b");
    applyOp(element, { op: "addClass", selector: "div", value: "b" }, NO_RENDER_DATA, "div");
    expect(element.written).toBeUndefined();
    applyOp(element, { op: "addClass", selector: "div", value: "c" }, NO_RENDER_DATA, "div");
    expect(element.written).toBe("a b c");
  });
});
