// The worker's bundle budget, checked after `wrangler deploy --dry-run` has written .tmp/dist/index.js.
// Why a budget: isolate cold start grows with script size, and one named import (`import { z } from "zod"`)
// once pulled zod's locales in and took the bundle from 201 KiB to 555 KiB without any test noticing.
import { readFileSync } from "node:fs";
import { gzipSync } from "node:zlib";

// gzip 85 → 90 KiB with the autopilot's scheduled handler (~5 KiB gzip: chi-square, the always-valid interval, the
// versioned store's kill, SQL); main without it measured 80.5 KiB. Moving it to a Worker of its own would take it out.
// Plus the R2 archive sink's Parquet writer (hyparquet-writer + hyparquet: 60 KiB minified, 18 KiB gzip, measured).
// Only the queue handler reaches it, but a Worker is one bundle; a separate consumer Worker would take it out
// (docs/analytics.md).
// Then the bandit's reweighting in the scheduled handler (Thompson sampling, the stratified estimator: ~4 KiB gzip)
// and recommendations at the edge (the table loader, `related`/`forYou`: ~3 KiB gzip) took 315/108 to 338/116.
// Headroom of about 6% above that: room for ordinary growth, far less than one library imported whole (zod's
// locales alone were 354 KiB raw, 66 KiB gzip). The next step down is the autopilot in a Worker of its own.
// Real pages (issue 13) then took 338/116 to 357.5/123.0: the renderer's watches for implied end tags, misnested
// HTML, formatting clones, the control arm's dry runs, charset handling and the archive buffer's Durable Object.
// The same ~3% headroom above that; measure `npm run bench:cold` before raising it again.
const BUDGET = { rawKiB: 368, gzipKiB: 127 };
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
