// `npm run bench:cold`: what the worker's bundle costs an isolate before its first request — V8 parsing, compiling
// and running the module's top level — for the pass-through worker, Stylist as built, and Stylist built the way it
// was before issue 15 (`import { z } from "zod"`, which keeps zod's locales). Rewrites its section of
// docs/benchmarks.md. See "Cold start" there for what this does and does not measure.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import type { Plugin } from "esbuild";
import { bundleWorker } from "./bundle.ts";
import { median } from "./stats.ts";

const TRIALS = Number(process.env.COLD_TRIALS ?? 21);
const DOC_FILE = new URL("../docs/benchmarks.md", import.meta.url);
const START = "<!-- bench:cold:start (npm run bench:cold rewrites this part) -->";
const END = "<!-- bench:cold:end -->";

/** The pre-issue-15 import, put back at build time so "before" is measured on today's code, not an old checkout. */
const namedZodImport: Plugin = {
  name: "named-zod-import",
  setup(b) {
    b.onLoad({ filter: /\/src\/.*\.ts$/ }, (args) => {
      const source = readFileSync(args.path, "utf8");
      return {
        contents: source.replace(/import \* as z from "zod";/g, 'import { z } from "zod";'),
        loader: "ts",
      };
    });
  },
};

/** Each trial is a fresh Node process (a fresh V8 isolate, no code cache), timing only the module's import. */
function importMs(file: string): number {
  const probe = `const t = performance.now(); await import(${JSON.stringify(file)}); console.log(performance.now() - t);`;
  const out = execFileSync(process.execPath, ["--input-type=module", "-e", probe], { encoding: "utf8" });
  const ms = Number(out.trim().split("\n").at(-1));
  if (!Number.isFinite(ms)) throw new Error(`cold-start probe printed ${out}`);
  return ms;
}

interface Row {
  id: string;
  label: string;
  bytes: number;
  gzipBytes: number;
  medianMs: number;
}

const bundles: [string, string, string][] = [
  ["passthrough", "pass-through worker", await bundleWorker("passthrough", { forNode: true })],
  ["stylist", "Stylist as built (`import * as z`)", await bundleWorker("stylist", { forNode: true })],
  [
    "stylist-named-zod",
    "Stylist with `import { z }` (before issue 15)",
    await bundleWorker("stylist", { plugins: [namedZodImport], forNode: true }),
  ],
];
const dir = mkdtempSync(join(tmpdir(), "stylist-cold-"));
try {
  const files = bundles.map(([id, , code]) => {
    const file = join(dir, `${id}.mjs`);
    writeFileSync(file, code);
    return file;
  });
  const samples: number[][] = bundles.map(() => []);
  // Interleaved, so a change in machine load touches every bundle alike.
  for (let trial = 0; trial < TRIALS; trial++)
    files.forEach((file, i) => {
      samples[i]?.push(importMs(file));
    });
  const rows: Row[] = bundles.map(([id, label, code], i) => ({
    id,
    label,
    bytes: Buffer.byteLength(code),
    gzipBytes: gzipSync(code).byteLength,
    medianMs: median(samples[i] ?? []),
  }));
  const base = rows[0]?.medianMs ?? Number.NaN;
  const kib = (n: number) => (n / 1024).toFixed(1);
  const table = [
    `| Bundle | Size (KiB) | gzip (KiB) | Import, median of ${TRIALS} (ms) | Above pass-through (ms) |`,
    "|---|--:|--:|--:|--:|",
    ...rows.map(
      (r) =>
        `| ${r.label} | ${kib(r.bytes)} | ${kib(r.gzipBytes)} | ${r.medianMs.toFixed(1)} | ${(r.medianMs - base).toFixed(1)} |`,
    ),
  ];
  const generated = [
    START,
    "",
    `Measured ${new Date().toISOString().slice(0, 16).replace("T", " ")} UTC, Node ${process.version} (V8 ${process.versions.v8}), ${TRIALS} interleaved trials.`,
    "",
    ...table,
    "",
    END,
  ].join("\n");
  for (const line of table) console.log(line);
  const doc = readFileSync(DOC_FILE, "utf8");
  const start = doc.indexOf(START);
  const end = doc.indexOf(END);
  if (start === -1 || end === -1 || end < start)
    throw new Error(`docs/benchmarks.md has lost its cold-start markers (${START} … ${END})`);
  writeFileSync(DOC_FILE, doc.slice(0, start) + generated + doc.slice(end + END.length));
} finally {
  rmSync(dir, { recursive: true, force: true });
}
