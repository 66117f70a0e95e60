import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { compileRules } from "../../../../src/core/decide/compile.ts";
import { candidatesFor } from "../../../../src/core/decide/decide.ts";
import { compilePagePattern } from "../../../../src/core/decide/page-pattern.ts";
import { buildPatternIndex, matchPatterns } from "../../../../src/core/decide/pattern-index.ts";
import { ExperimentSchema } from "../../../../src/core/schema/experiment.ts";
import { VALID_RULE_FILE } from "../../../fixtures/rule-sources.ts";

const segment = fc.constantFrom(
  "products",
  "product",
  "sale",
  "skarn-boot",
  "skarn-",
  "a",
  "b",
  "journal",
  "",
);
const patternPiece = fc.oneof(segment, fc.constantFrom("*", "**", "skarn-*", "*-boot"));
const pattern = fc.array(patternPiece, { minLength: 1, maxLength: 4 }).map((parts) => `/${parts.join("/")}`);
const path = fc.array(segment, { minLength: 0, maxLength: 4 }).map((parts) => `/${parts.join("/")}`);

function matchedByIndex(patterns: readonly string[], target: string): number[] {
  const wildcard = patterns.flatMap((page, value) => (page.includes("*") ? [{ page, value }] : []));
  const found: number[] = [];
  matchPatterns(buildPatternIndex(wildcard), target, (value) => found.push(value));
  return found.sort((a, b) => a - b);
}

function matchedOneByOne(patterns: readonly string[], target: string): number[] {
  return patterns.flatMap((page, value) =>
    page.includes("*") && compilePagePattern(page).test(target) ? [value] : [],
  );
}

describe("the page-pattern index", () => {
  it("finds exactly the patterns that testing each one in turn finds", () => {
    fc.assert(
      fc.property(
        fc.array(pattern, { maxLength: 30 }),
        fc.array(path, { minLength: 1, maxLength: 10 }),
        (patterns, paths) => {
          for (const target of paths)
            expect(matchedByIndex(patterns, target)).toEqual(matchedOneByOne(patterns, target));
        },
      ),
      { seed: 20261130, numRuns: 500 },
    );
  });

  it("keeps rule order when exact pages and wildcard patterns both apply", () => {
    const experiment = (id: string, pages: string[]) =>
      ExperimentSchema.parse({
        ...VALID_RULE_FILE.experiments[0],
        id,
        pages,
      });
    const rules = compileRules({
      version: 1,
      experiments: [
        experiment("wild-first", ["/products/*"]),
        experiment("exact-second", ["/products/boot"]),
        experiment("deep-third", ["/products/**"]),
        experiment("elsewhere", ["/journal/*"]),
      ],
      killed: [],
    });
    expect(candidatesFor(rules, "/products/boot").map((c) => c.experiment.id)).toEqual([
      "wild-first",
      "exact-second",
      "deep-third",
    ]);
    expect(candidatesFor(rules, "/products/boot/").map((c) => c.experiment.id)).toEqual([
      "wild-first",
      "exact-second",
      "deep-third",
    ]);
    expect(candidatesFor(rules, "/journal").map((c) => c.experiment.id)).toEqual([]);
  });
});
