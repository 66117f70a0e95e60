import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { PREVIEW_COOKIE } from "../../../../src/core/signing/preview.ts";
import { readCookie } from "../../../../src/core/visitor/cookies.ts";
import { VISITOR_COOKIE } from "../../../../src/core/visitor/identity.ts";

/** Seeded and bounded: the same 300 cases on every run, well under a second. */
const RUNS = { seed: 0x5717_0001, numRuns: 300 };

/** Any UTF-16 code unit, lone surrogates included: what a hostile client can put in a header string. */
const anyUnit = fc.integer({ min: 0, max: 0xffff }).map((code) => String.fromCharCode(code));
const anyText = fc.string({ unit: anyUnit, maxLength: 200 });

/** Names that are not the cookie we look for but could be mistaken for it by a sloppy parser. */
function lookAlikes(name: string): string[] {
  return [
    `x${name}`,
    `${name}x`,
    `_${name}`,
    `${name}_`,
    name.toUpperCase(),
    name.replace("_", "-"),
    `${name}[]`,
    `${name}2`,
    `${name}.`,
    `__Host-${name}`,
    name.slice(1),
    name.slice(0, -1),
  ];
}

const padding = fc.constantFrom("", " ", "  ", "\t", " \t ");
/** A cookie value: anything but `;`, the pair separator. It may contain `=` and the name itself. */
const cookieValue = fc.oneof(
  fc.string({ unit: anyUnit, maxLength: 60 }).map((text) => text.replaceAll(";", "")),
  fc.constantFrom(`${VISITOR_COOKIE}=forged`, "a=b=c", '"quoted"', ""),
);

interface Pair {
  name: string;
  value: string;
  before: string;
  after: string;
}

function header(pairs: readonly Pair[]): string {
  return pairs.map((pair) => `${pair.before}${pair.name}=${pair.value}${pair.after}`).join(";");
}

function pairs(target: string, { withTarget }: { withTarget: boolean }) {
  const other = fc.record({
    name: fc
      .oneof(fc.constantFrom(...lookAlikes(target)), fc.stringMatching(/^[a-z][a-z0-9_-]{0,15}$/))
      .filter((name) => name !== target),
    value: cookieValue,
    before: padding,
    after: padding,
  });
  const wanted = fc.record({
    name: fc.constant(target),
    value: cookieValue,
    before: padding,
    after: padding,
  });
  return fc
    .tuple(
      fc.array(other, { maxLength: 12 }),
      withTarget ? fc.array(wanted, { minLength: 1, maxLength: 3 }) : fc.constant([]),
      fc.array(other, { maxLength: 12 }),
      fc.array(withTarget ? fc.oneof(other, wanted) : other, { maxLength: 5 }),
    )
    .map(([head, targets, middle, tail]) => ({
      list: [...head, ...targets, ...middle, ...tail],
      first: targets[0],
    }))
    .filter(({ list, first }) => !first || list.find((pair) => pair.name === target) === first);
}

describe("readCookie on hostile Cookie headers (property-based)", () => {
  it("never throws, whatever the header and the name", () => {
    fc.assert(
      fc.property(fc.option(anyText, { nil: null }), anyText, (text, name) => {
        const value = readCookie(text, name);
        expect(value === undefined || typeof value === "string").toBe(true);
      }),
      RUNS,
    );
  });

  it.each([VISITOR_COOKIE, PREVIEW_COOKIE])(
    "finds the first %s by its exact name and ignores look-alike names and values",
    (target) => {
      fc.assert(
        fc.property(pairs(target, { withTarget: true }), ({ list, first }) => {
          expect(readCookie(header(list), target)).toBe(first?.value.trim());
        }),
        RUNS,
      );
    },
  );

  it("finds nothing when only look-alikes are present, even when a value spells the name", () => {
    fc.assert(
      fc.property(pairs(VISITOR_COOKIE, { withTarget: false }), ({ list }) => {
        expect(readCookie(header(list), VISITOR_COOKIE)).toBeUndefined();
      }),
      RUNS,
    );
  });

  it("finds the cookie among hundreds of others, in time linear in the header", () => {
    fc.assert(
      fc.property(fc.integer({ min: 100, max: 600 }), fc.nat(), (count, seed) => {
        const names = Array.from({ length: count }, (_, i) => `c${(seed + i) % 997}_${i}`);
        const at = seed % (count + 1);
        names.splice(at, 0, VISITOR_COOKIE);
        const text = names.map((name, i) => `${name}=${i}`).join("; ");
        expect(readCookie(text, VISITOR_COOKIE)).toBe(String(at));
      }),
      { ...RUNS, numRuns: 50 },
    );
  });
});
