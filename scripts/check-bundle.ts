// The worker's bundle budget, checked after `wrangler deploy --dry-run` has written .tmp/dist/index.js.
// Why a budget: isolate cold start grows with script size, and one named import (`import { z } from "zod"`)
// once pulled zod's locales in and took the bundle from 201 KiB to 555 KiB without any test noticing.
import { readFileSync } from "node:fs";
import { gzipSync } from "node:zlib";

// Main's budget (260/85) plus the R2 archive sink's Parquet writer (hyparquet-writer + hyparquet: 60 KiB minified,
// 18 KiB gzip, measured). Only the queue handler reaches it, but a Worker is one bundle. Keeping it out of the page
// path entirely would take a separate consumer Worker (docs/analytics.md).
const BUDGET = { rawKiB: 320, gzipKiB: 103 };
const file = process.argv[2] ?? ".tmp/dist/index.js";
const code = readFileSync(file);
const rawKiB = code.byteLength / 1024;
const gzipKiB = gzipSync(code, { level: 9 }).byteLength / 1024;
const line = `worker bundle: ${rawKiB.toFixed(1)} KiB (budget ${BUDGET.rawKiB}), gzip ${gzipKiB.toFixed(1)} KiB (budget ${BUDGET.gzipKiB})`;
if (rawKiB > BUDGET.rawKiB || gzipKiB > BUDGET.gzipKiB) {
  console.error(
    `${line}\nOver budget: look for a dependency imported whole (e.g. \`import { z } from "zod"\`).`,
  );
  process.exit(1);
}
console.log(line);
