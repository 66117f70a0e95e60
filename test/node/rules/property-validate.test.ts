import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type RuleSource, type ValidationResult, validateRuleSources } from "../../../src/rules/validate.ts";
import { VALID_RULE_FILE } from "../../fixtures/rule-sources.ts";

const RUNS = { seed: 0x5717_0004, numRuns: 300 };

/** What every validation result promises, whatever it was given. */
function assertWellFormed(result: ValidationResult, files: readonly string[]): void {
  for (const problem of [...result.errors, ...result.warnings]) {
    expect(files).toContain(problem.file);
    expect(typeof problem.path).toBe("string");
    expect(problem.path.length).toBeGreaterThan(0);
    expect(typeof problem.message).toBe("string");
    expect(problem.message.length).toBeGreaterThan(0);
  }
  if (result.errors.length > 0) expect(result.experiments).toEqual([]);
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** A path into a JSON value, as indexes and keys to follow; the last step may name a new key. */
function paths(value: Json, prefix: Array<string | number> = []): Array<Array<string | number>> {
  const here = [prefix];
  if (Array.isArray(value))
    return [...here, ...value.flatMap((item, index) => paths(item, [...prefix, index]))];
  if (value && typeof value === "object")
    return [...here, ...Object.entries(value).flatMap(([key, item]) => paths(item, [...prefix, key]))];
  return here;
}

/** Replaces (or deletes) what is at `path`, on a copy. */
function mutate(root: Json, path: Array<string | number>, replacement: Json | undefined): Json {
  if (path.length === 0) return replacement ?? null;
  const copy = structuredClone(root);
  let node: Json = copy;
  for (const step of path.slice(0, -1)) node = (node as Record<string | number, Json>)[step] as Json;
  const last = path[path.length - 1] as string | number;
  if (Array.isArray(node) && typeof last === "number") {
    if (replacement === undefined) node.splice(last, 1);
    else node[last] = replacement;
  } else if (node && typeof node === "object") {
    const record = node as Record<string, Json>;
    if (replacement === undefined) delete record[last];
    else record[last] = replacement;
  }
  return copy;
}

/** Near-valid rule files: the valid fixture with a few fields replaced by arbitrary JSON or removed. */
const valid = VALID_RULE_FILE as unknown as Json;
const nearValidFile = fc
  .array(
    fc.tuple(fc.nat(), fc.option(fc.jsonValue({ maxDepth: 3 }) as fc.Arbitrary<Json>, { nil: undefined })),
    { minLength: 1, maxLength: 4 },
  )
  .map((changes) =>
    changes.reduce<Json>((file, [pick, replacement]) => {
      const all = paths(file);
      return mutate(file, all[pick % all.length] as Array<string | number>, replacement);
    }, valid),
  );

/** Values that probe the schema's edges: wrong types, limits, look-alike ids, hostile strings. */
const edgeValue = fc.constantFrom<Json>(
  "",
  "control",
  "holdout",
  "<script>",
  "//evil.example",
  "javascript:alert(1)",
  "{{email}}",
  "{{city",
  "x".repeat(3_000),
  -1,
  0,
  1e308,
  Number.MAX_SAFE_INTEGER,
  0.5,
  [],
  {},
  [{}],
  { op: "redirect", url: "https://evil.example/" },
  { not: { not: { visitor: "new" } } },
  { __proto__: { polluted: true } } as unknown as Json,
);
const edgeFile = fc.array(fc.tuple(fc.nat(), edgeValue), { minLength: 1, maxLength: 3 }).map((changes) =>
  changes.reduce<Json>((file, [pick, replacement]) => {
    const all = paths(file);
    return mutate(file, all[pick % all.length] as Array<string | number>, replacement);
  }, valid),
);

const sources = (texts: string[]): RuleSource[] =>
  texts.map((text, i) => ({ file: `rules/f${i}.json`, text }));

describe("validateRuleSources on arbitrary input (property-based)", () => {
  it("never throws on arbitrary text, and every error names its file and a path", () => {
    fc.assert(
      fc.property(fc.array(fc.string({ maxLength: 200 }), { minLength: 1, maxLength: 3 }), (texts) => {
        const given = sources(texts);
        assertWellFormed(
          validateRuleSources(given),
          given.map((source) => source.file),
        );
      }),
      RUNS,
    );
  });

  it("never throws on arbitrary JSON values", () => {
    fc.assert(
      fc.property(fc.array(fc.json({ maxDepth: 5 }), { minLength: 1, maxLength: 3 }), (texts) => {
        const given = sources(texts);
        assertWellFormed(
          validateRuleSources(given),
          given.map((source) => source.file),
        );
      }),
      RUNS,
    );
  });

  it("never throws on near-valid rule files, and never returns experiments alongside errors", () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(nearValidFile, edgeFile), { minLength: 1, maxLength: 3 }), (files) => {
        const given = sources(files.map((file) => JSON.stringify(file)));
        const result = validateRuleSources(given);
        assertWellFormed(
          result,
          given.map((source) => source.file),
        );
        // Two files that both still hold the fixture's experiment id must collide.
        if (result.errors.length === 0) {
          const ids = result.experiments.map((experiment) => experiment.id);
          expect(new Set(ids).size).toBe(ids.length);
        }
      }),
      RUNS,
    );
  });

  it("accepts the valid fixture itself, so the properties above are not vacuous", () => {
    const result = validateRuleSources(sources([JSON.stringify(VALID_RULE_FILE)]));
    expect(result.errors).toEqual([]);
    expect(result.experiments).toHaveLength(1);
  });
});
