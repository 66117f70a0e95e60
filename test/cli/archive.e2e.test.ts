import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { BROWSER_UA } from "../support/browser-agent.ts";
import { eventually, useDemoStack } from "../support/demo-stack.ts";
import { runCli } from "../support/run-cli.ts";

/**
 * The demo with `--sink r2`: the real worker and queue consumer under `wrangler dev` write Parquet into the R2 bucket
 * Miniflare emulates, and the CLI reads, reports, compacts, forgets and prunes it with DuckDB.
 */
const stack = useDemoStack({ sink: "r2" });
// Each CLI run starts workerd (wrangler's platform proxy) and DuckDB: tens of seconds on a loaded two-core machine.
const SLOW = 400_000;
const local = () => stack.local();
const scratch = mkdtempSync(join(tmpdir(), "stylist-archive-e2e-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

async function freshVisitor(path = "/"): Promise<string> {
  const response = await fetch(`${stack.demo.proxyUrl}${path}`, { headers: { "user-agent": BROWSER_UA } });
  await response.text();
  return (response.headers.get("set-cookie") ?? "").split(";")[0]?.split(".")[1] as string;
}

async function archived(): Promise<Array<{ visitor: string; experiment?: string; id: string }>> {
  const result = await runCli(["events", "--sink", "r2", "--json", "--limit", "100000", ...local()]);
  expect(result.code, result.stderr).toBe(0);
  return JSON.parse(result.stdout);
}

/** The figures of a JSON report, without when and from where it was made. */
function figures(stdout: string) {
  const { generatedAt: _, source: __, ...rest } = JSON.parse(stdout);
  return rest;
}

describe("the demo with the R2 archive sink", () => {
  const visitors: string[] = [];
  let reported: unknown;

  it(
    "logs page views as Parquet in R2, which `stylist events --sink r2` lists",
    async () => {
      for (let i = 0; i < 8; i++)
        visitors.push(await freshVisitor(i % 2 ? "/" : "/products/skarn-fellrunner-6"));
      const events = await eventually(async () => {
        const listed = await archived();
        return visitors.every((visitor) => listed.some((event) => event.visitor === visitor))
          ? listed
          : undefined;
      }, 120_000);
      expect(events.length).toBeGreaterThanOrEqual(visitors.length);
      // No exposure went to D1. (D1 is not empty: `npm start` seeds it with the recommendation experiment's
      // history, demo/history.ts, conversions only, whatever the sink.)
      const inD1 = await runCli(["events", "--type", "exposure", "--json", ...local()]);
      expect(JSON.parse(inD1.stdout)).toEqual([]);
    },
    SLOW,
  );

  it(
    "reports from the archive exactly what the same events give as an NDJSON file",
    async () => {
      const fromArchive = await runCli(["report", "--sink", "r2", "--json", ...local()]);
      expect(fromArchive.code, fromArchive.stderr).toBe(0);
      const file = join(scratch, "events.ndjson");
      writeFileSync(file, `${(await archived()).map((event) => JSON.stringify(event)).join("\n")}\n`);
      const fromFile = await runCli(["report", "--events", file, "--rules", "active", "--json", ...local()]);
      expect(fromFile.code, fromFile.stderr).toBe(0);
      expect(figures(fromArchive.stdout)).toEqual(figures(fromFile.stdout));
      reported = figures(fromArchive.stdout);
    },
    SLOW,
  );

  it(
    "reports the same after compaction, and from a pulled copy of the files",
    async () => {
      const compact = await runCli(["archive", "compact", ...local()]);
      expect(compact.code, compact.stderr).toBe(0);
      expect(compact.stdout).toMatch(/^compacted \d+ partition\(s\)/);
      const afterCompaction = await runCli(["report", "--sink", "r2", "--json", ...local()]);
      expect(figures(afterCompaction.stdout)).toEqual(reported);

      const out = join(scratch, "pulled");
      const pulled = await runCli(["archive", "pull", "--out", out, ...local()]);
      expect(pulled.code, pulled.stderr).toBe(0);
      const fromPulled = await runCli([
        "report",
        "--events",
        join(out, "**", "*.parquet"),
        "--rules",
        "active",
        "--json",
        ...local(),
      ]);
      expect(fromPulled.code, fromPulled.stderr).toBe(0);
      expect(figures(fromPulled.stdout)).toEqual(reported);
    },
    SLOW,
  );

  it(
    "forgets one visitor from the archive's files, and prunes only whole past days",
    async () => {
      const visitor = visitors[0] as string;
      const forget = await runCli(["forget", visitor, "--sink", "r2", ...local()]);
      expect(forget.code, forget.stderr).toBe(0);
      expect(forget.stdout).toMatch(/deleted [1-9]\d* event\(s\) of [0-9a-f]{32} from the r2 archive/);
      const left = await archived();
      expect(left.some((event) => event.visitor === visitor)).toBe(false);
      expect(left.some((event) => event.visitor === visitors[1])).toBe(true);

      const prune = await runCli([
        "prune",
        "--older-than",
        "1s",
        "--force",
        "--sink",
        "r2",
        "--dry-run",
        ...local(),
      ]);
      expect(prune.code, prune.stderr).toBe(0);
      // Today's partition is not wholly older than a second ago: nothing goes.
      expect(prune.stdout).toMatch(/^would delete 0 archive file\(s\) in 0 partition\(s\)/);
      const review = await runCli(["review", "--sink", "r2", "--json", ...local()]);
      expect(review.code, review.stderr).toBe(0);
      // Every experiment the archive holds exposures of is seen as active by review.
      const exposed = new Set(left.map((event) => event.experiment).filter(Boolean));
      const idle = (JSON.parse(review.stdout).findings as Array<{ kind: string; experiment: string }>).filter(
        (finding) => finding.kind === "no-exposures" && exposed.has(finding.experiment),
      );
      expect(exposed.size).toBeGreaterThan(0);
      expect(idle).toEqual([]);
    },
    SLOW,
  );

  it(
    "forgets a visitor whose events are still in the archive buffer: they never reach a file",
    async () => {
      const late = await freshVisitor("/products/skarn-fellrunner-6");
      const forget = await runCli(["forget", late, "--sink", "r2", ...local()]);
      expect(forget.code, forget.stderr).toBe(0);
      expect(forget.stdout).toMatch(/dropped when the buffer next writes a file/);
      // A later visitor's events in the archive mean the buffer has written what it held when forget ran.
      const later = await freshVisitor();
      const listed = await eventually(async () => {
        const events = await archived();
        return events.some((event) => event.visitor === later) ? events : undefined;
      }, 120_000);
      expect(listed.some((event) => event.visitor === late)).toBe(false);
    },
    SLOW,
  );
});
