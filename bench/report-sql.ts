/**
 * `npm run bench:report`: the report over a generated Parquet archive, computed in SQL by DuckDB (the default for
 * archive files) and streamed through Node (`--compute stream`), each as a fresh `stylist report` process timed with
 * /usr/bin/time (wall seconds, CPU seconds and peak resident set, DuckDB included). Not a test: it prints figures for
 * docs/benchmarks.md and docs/analytics.md, with the load average, because a shared machine's load moves the wall time.
 *
 *   npm run bench:report                       # 1,000,000 and 10,000,000 events
 *   npm run bench:report -- 1000000            # sizes in events (~1.05 a visitor)
 *   STREAM_MAX=2000000 npm run bench:report    # skip the streamed run above this many events (default 10,000,000)
 */

import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { cpus, loadavg, tmpdir, totalmem } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { openDuckDB, sqlString } from "../src/cli/archive/duckdb-archive.ts";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const BIN = join(ROOT, "bin", "stylist.mjs");
const T0 = Date.UTC(2026, 0, 5);
const DAYS = 14;

/** One exposure a visitor, half in each arm; 5% (control) and 5.5% (promise) buy once, the backend reporting it. */
async function writeArchive(dir: string, events: number): Promise<void> {
  const visitors = Math.round(events / 1.0525);
  const duck = await openDuckDB();
  try {
    await duck.connection.run(`COPY (
      WITH v AS (
        SELECT i, md5(i::VARCHAR) AS visitor, hash(i) AS h,
          CASE WHEN hash(i) % 2 = 0 THEN 'control' ELSE 'promise' END AS variant
        FROM range(${visitors}) t(i)),
      exposures AS (
        SELECT 1 AS schema_version, uuid()::VARCHAR AS id, 'exposure' AS type,
          (${T0} + h % ${DAYS * 86_400_000})::BIGINT AS ts, visitor, '/' AS path, 'mobile' AS device,
          NULL::VARCHAR AS country, NULL::VARCHAR AS source, 'hero' AS experiment, variant, 1 AS phase,
          1 AS rules_version, NULL::VARCHAR AS segments, NULL::VARCHAR AS goal, NULL::BIGINT AS value,
          NULL::VARCHAR AS currency, NULL::VARCHAR AS order_id, NULL::VARCHAR AS reported_by,
          NULL::VARCHAR AS products, NULL::INTEGER AS period
        FROM v),
      purchases AS (
        SELECT 1, uuid()::VARCHAR, 'conversion', (${T0} + h % ${DAYS * 86_400_000} + 3600000)::BIGINT, visitor,
          '/checkout/done', 'mobile', NULL, NULL, NULL, NULL, NULL, NULL, NULL, 'purchase',
          (1000 + (h // 1024) % 20000)::BIGINT, 'GBP', 'O-' || i, 'server', NULL, NULL
        FROM v WHERE (h // 256) % 1000 < CASE WHEN variant = 'control' THEN 50 ELSE 55 END)
      SELECT * FROM exposures UNION ALL SELECT * FROM purchases
    ) TO ${sqlString(join(dir, "events"))} (FORMAT PARQUET, COMPRESSION ZSTD, PER_THREAD_OUTPUT true)`);
  } finally {
    duck.close();
  }
}

interface Run {
  seconds: number;
  /** User and system CPU seconds: what a loaded machine moves far less than the wall time. */
  cpuSeconds: number;
  peakMiB: number;
  visitors: number;
}

function timeReport(glob: string, extra: string[]): Run {
  const result = spawnSync(
    "/usr/bin/time",
    [
      "-f",
      "BENCH %e %M %U %S",
      process.execPath,
      BIN,
      "report",
      "--events",
      glob,
      "--dir",
      "rules",
      "--json",
      ...extra,
    ],
    { cwd: ROOT, encoding: "utf8", maxBuffer: 64 * 1024 * 1024 },
  );
  const line = result.stderr.split("\n").find((text) => text.startsWith("BENCH "));
  if (result.status !== 0 || !line) throw new Error(`stylist report failed: ${result.stderr.slice(-2000)}`);
  const [, seconds, kib, user, system] = line.split(" ");
  const report = JSON.parse(result.stdout) as { experiments: { arms: { visitors: number }[] }[] };
  const visitors = report.experiments.flatMap((e) => e.arms).reduce((sum, arm) => sum + arm.visitors, 0);
  return {
    seconds: Number(seconds),
    cpuSeconds: Math.round((Number(user) + Number(system)) * 10) / 10,
    peakMiB: Math.round(Number(kib) / 1024),
    visitors,
  };
}

const sizes = (process.argv.slice(2).length > 0 ? process.argv.slice(2) : ["1000000", "10000000"]).map(
  Number,
);
const streamMax = Number(process.env.STREAM_MAX ?? 10_000_000);
if (!existsSync("/usr/bin/time"))
  throw new Error("bench:report needs /usr/bin/time (GNU time) for peak memory");

console.log(
  `machine: ${cpus().length} cores, ${Math.round(totalmem() / 2 ** 30)} GiB; load average at start ${loadavg()
    .map((n) => n.toFixed(1))
    .join(" ")}`,
);
console.log("| events | visitors | path | wall s | CPU s | peak RSS MiB | load (1 min) |");
console.log("| ---: | ---: | --- | ---: | ---: | ---: | ---: |");
for (const events of sizes) {
  const dir = mkdtempSync(join(tmpdir(), "stylist-bench-report-"));
  try {
    await writeArchive(dir, events);
    const size = execFileSync("du", ["-sh", dir], { encoding: "utf8" }).split("\t")[0];
    const glob = join(dir, "events", "*.parquet");
    const sql = timeReport(glob, []);
    console.log(
      `| ${events.toLocaleString("en")} | ${sql.visitors.toLocaleString("en")} | SQL (DuckDB), ${size} Parquet | ${sql.seconds} | ${sql.cpuSeconds} | ${sql.peakMiB} | ${loadavg()[0]?.toFixed(1)} |`,
    );
    if (events <= streamMax) {
      const stream = timeReport(glob, ["--compute", "stream"]);
      if (stream.visitors !== sql.visitors)
        throw new Error(`visitors differ: ${stream.visitors} vs ${sql.visitors}`);
      console.log(
        `| ${events.toLocaleString("en")} | ${stream.visitors.toLocaleString("en")} | streamed through Node | ${stream.seconds} | ${stream.cpuSeconds} | ${stream.peakMiB} | ${loadavg()[0]?.toFixed(1)} |`,
      );
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
