import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { DatabaseSync } from "node:sqlite";
import { describe, expect, it } from "vitest";
import { assignVariant } from "../../../../src/core/decide/assign.ts";
import { bucket, fmix32, fnv1a32 } from "../../../../src/core/decide/hash.ts";

/**
 * test/vectors/bucketing.json is the portable definition of bucketing, as GrowthBook's cases.json is for its SDKs:
 * the TypeScript, the Python and the SQL in docs/bucketing.md, and the doc's own tables, must all agree with it.
 */
interface Vectors {
  buckets: Array<{ seed: string; visitor: string; fnv1a: string; fmix32: string; bucket: number }>;
  arms: Array<{ variants: Array<[string, number]>; coverage: number; bucket: number; arm: string | null }>;
}

const vectors = JSON.parse(readFileSync("test/vectors/bucketing.json", "utf8")) as Vectors;
const doc = readFileSync("docs/bucketing.md", "utf8");
const hex = (n: number) => n.toString(16).padStart(8, "0");
const asVariants = (pairs: Array<[string, number]>) => pairs.map(([id, weight]) => ({ id, weight, ops: [] }));

/** The fenced code blocks of one language in the doc, in order. */
function codeBlocks(language: string): string[] {
  return [...doc.matchAll(new RegExp(`\`\`\`${language}\\n([\\s\\S]*?)\`\`\``, "g"))].map(
    (match) => match[1] ?? "",
  );
}

/** The rows of the Markdown table whose header starts with `header`, as cells without backticks. */
function tableRows(header: string): string[][] {
  const lines = doc.split("\n");
  const start = lines.findIndex((line) => line.startsWith(header));
  expect(start, `a table headed "${header}" in docs/bucketing.md`).toBeGreaterThan(-1);
  const rows: string[][] = [];
  for (const line of lines.slice(start + 2)) {
    if (!line.startsWith("|")) break;
    rows.push(
      line
        .split("|")
        .slice(1, -1)
        .map((cell) => cell.trim().replace(/`/g, "")),
    );
  }
  return rows;
}

function vectorFor(seed: string, visitor: string) {
  const found = vectors.buckets.find((entry) => entry.seed === seed && entry.visitor === visitor);
  expect(found, `a vector for ${seed} / ${visitor}`).toBeDefined();
  return found as Vectors["buckets"][number];
}

describe("portable bucketing vectors", () => {
  it("the TypeScript reproduces every hash, position and arm", () => {
    for (const entry of vectors.buckets) {
      const hashed = fnv1a32(new TextEncoder().encode(`${entry.seed}:${entry.visitor}`));
      expect([hex(hashed), hex(fmix32(hashed)), bucket(entry.seed, entry.visitor)]).toEqual([
        entry.fnv1a,
        entry.fmix32,
        entry.bucket,
      ]);
    }
    for (const entry of vectors.arms) {
      expect(assignVariant(asVariants(entry.variants), entry.coverage, entry.bucket)?.id ?? null).toBe(
        entry.arm,
      );
    }
  });

  it("every value in the doc's tables and examples is a vector", () => {
    const rows = tableRows("| seed | visitor id | FNV-1a |");
    expect(rows.length).toBeGreaterThan(5);
    for (const [seed = "", visitor = "", fnv = "", fmix = "", position = ""] of rows) {
      const entry = vectorFor(seed, visitor);
      expect([fnv, fmix, Number(position)]).toEqual([entry.fnv1a, entry.fmix32, entry.bucket]);
    }
    const seeds = ["layer:home-usp", "global-holdout", "usp-delivery-first:holdout"];
    for (const [visitor = "", ...positions] of tableRows("| visitor id | `layer:home-usp` |")) {
      seeds.forEach((seed, index) => {
        expect(Number(positions[index])).toBe(vectorFor(seed, visitor).bucket);
      });
    }
    // The Python example's printed value, and the SQL's, are the vector for that visitor.
    const example = vectorFor("pdp-delivery-reassurance", "77777777777777777777777777777777");
    expect(doc).toContain(`# ${example.bucket} reassure`);
    expect(doc).toContain(`'7777…', ${example.bucket})`);
  });

  it("the doc's Python gives every vector's position and arm", () => {
    const [python] = codeBlocks("python");
    const harness = `${python}
import json, sys
vectors = json.load(sys.stdin)
print(json.dumps({
  "buckets": [bucket(v["seed"], v["visitor"]) for v in vectors["buckets"]],
  "arms": [assign_variant([tuple(p) for p in v["variants"]], v["coverage"], v["bucket"]) for v in vectors["arms"]],
}))
`.replace('if __name__ == "__main__":', "if False:");
    const output = execFileSync("python3", ["-c", harness], { input: JSON.stringify(vectors) }).toString();
    expect(JSON.parse(output)).toEqual({
      buckets: vectors.buckets.map((entry) => entry.bucket),
      arms: vectors.arms.map((entry) => entry.arm),
    });
  });

  it("the doc's SQL gives every vector's position and arm (SQLite)", () => {
    const [positions = "", arms = ""] = codeBlocks("sql");
    const quote = (text: string) => `'${text.replace(/'/g, "''")}'`;
    const db = new DatabaseSync(":memory:");
    const inputs = vectors.buckets
      .map((entry) => `(${quote(entry.seed)}, ${quote(entry.visitor)})`)
      .join(", ");
    const positionQuery = positions.replace(
      /VALUES \('pdp-delivery-reassurance', '7{32}'\)/,
      `VALUES ${inputs}`,
    );
    expect(positionQuery).not.toBe(positions);
    const computed = db.prepare(positionQuery).all() as Array<{
      seed: string;
      visitor: string;
      bucket: number;
    }>;
    for (const entry of vectors.buckets) {
      expect(computed.find((row) => row.seed === entry.seed && row.visitor === entry.visitor)?.bucket).toBe(
        entry.bucket,
      );
    }
    const cases = vectors.arms.map((entry, index) => ({ ...entry, id: `case-${index}` }));
    const armQuery = arms
      .replace(
        /variants\(experiment, position, variant, weight\) AS \(\s*VALUES[^\n]*\n\)/,
        `variants(experiment, position, variant, weight) AS (VALUES ${cases
          .flatMap((entry) =>
            entry.variants.map(
              ([id, weight], position) => `(${quote(entry.id)}, ${position}, ${quote(id)}, ${weight})`,
            ),
          )
          .join(", ")})`,
      )
      .replace(
        /experiments\(experiment, coverage\) AS \(VALUES [^\n]*\),/,
        `experiments(experiment, coverage) AS (VALUES ${cases.map((entry) => `(${quote(entry.id)}, ${entry.coverage})`).join(", ")}),`,
      )
      .replace(
        /buckets\(experiment, visitor, bucket\) AS \(\s*VALUES[^\n]*\n\)/,
        `buckets(experiment, visitor, bucket) AS (VALUES ${cases.map((entry) => `(${quote(entry.id)}, 'v', ${entry.bucket})`).join(", ")})`,
      );
    const rows = db.prepare(armQuery).all() as Array<{ experiment: string; variant: string | null }>;
    expect(rows.map((row) => [row.experiment, row.variant]).sort()).toEqual(
      cases.map((entry) => [entry.id, entry.arm]).sort(),
    );
  });
});
