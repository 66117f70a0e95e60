import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Demo, startDemo } from "../../demo/run-demo.ts";
import { freePort } from "../support/free-port.ts";
import { runCli } from "../support/run-cli.ts";

/**
 * A bounded local load test of the whole stack (sample storefront, `wrangler dev` with the queue consumer, local D1),
 * on 127.0.0.1 only: 1,200 fresh visitors, 100 in flight, every one exposed to exactly one experiment. Afterwards the
 * sink must hold exactly one exposure per visitor served, in the arm that visitor saw: no loss, no double count.
 */
const REQUESTS = 1_200;
const CONCURRENCY = 100;
const LOAD_LIMIT_MS = 45_000;
const DRAIN_LIMIT_MS = 30_000;
const EXPERIMENT = "load-hero";
const VARIANT_HEADLINE = "Load-tested on the fells";
/** A browser's User-Agent: Stylist never personalises or logs bots, and Node's own "node" is one. */
const BROWSER =
  "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0 Safari/537.36";

let demo: Demo;
let state: string;
let rulesDir: string;

interface Served {
  visitor: string | undefined;
  status: number;
  arm: "control" | "bold" | "unknown";
  ms: number;
}

function armOf(html: string): Served["arm"] {
  const headline = /<section id="hero">\s*<h1>([^<]*)<\/h1>/.exec(html)?.[1];
  if (headline === undefined) return "unknown";
  return headline === VARIANT_HEADLINE ? "bold" : "control";
}

beforeAll(async () => {
  state = mkdtempSync(join(tmpdir(), "stylist-load-state-"));
  rulesDir = mkdtempSync(join(tmpdir(), "stylist-load-rules-"));
  writeFileSync(
    join(rulesDir, "load.json"),
    JSON.stringify({
      experiments: [
        {
          id: EXPERIMENT,
          hypothesis: "A bolder hero headline lifts progression from the home page to product pages",
          status: "running",
          pages: ["/"],
          target: "#hero h1",
          variants: [
            { id: "control", weight: 50 },
            {
              id: "bold",
              weight: 50,
              ops: [{ op: "setText", selector: "#hero h1", value: VARIANT_HEADLINE }],
            },
          ],
          metrics: { primary: "purchase" },
        },
      ],
    }),
  );
  demo = await startDemo({
    port: await freePort(),
    originPort: await freePort(),
    persistTo: state,
    refreshSeconds: 0,
  });
  const pushed = await runCli(["push", "--dir", rulesDir, "-m", "load test", "--persist-to", state]);
  expect(pushed.code, pushed.stderr).toBe(0);
}, 120_000);

afterAll(async () => {
  await demo?.stop();
  for (const dir of [state, rulesDir]) if (dir) rmSync(dir, { recursive: true, force: true });
});

/** Fires `total` requests from fresh visitors (no cookies), at most `inFlight` at once, within `limitMs`. */
async function fire(total: number, inFlight: number, limitMs: number) {
  const served: Served[] = [];
  const errors: string[] = [];
  const deadline = Date.now() + limitMs;
  let next = 0;
  const lane = async () => {
    while (next < total && Date.now() < deadline) {
      next++;
      const started = performance.now();
      try {
        const response = await fetch(`${demo.proxyUrl}/`, {
          headers: { "user-agent": BROWSER },
          signal: AbortSignal.timeout(Math.max(1, deadline - Date.now())),
        });
        const html = await response.text();
        const visitor = /stylist_vid=v1\.([0-9a-f]{32})\./.exec(
          response.headers.getSetCookie().join("\n"),
        )?.[1];
        served.push({ visitor, status: response.status, arm: armOf(html), ms: performance.now() - started });
      } catch (error) {
        errors.push((error as Error).message);
      }
    }
  };
  await Promise.all(Array.from({ length: inFlight }, lane));
  return { served, errors, unsent: total - next };
}

async function exposuresInSink() {
  const result = await runCli([
    "events",
    "--json",
    "--limit",
    "100000",
    "--experiment",
    EXPERIMENT,
    "--persist-to",
    state,
  ]);
  expect(result.code, result.stderr).toBe(0);
  return JSON.parse(result.stdout) as Array<{ visitor: string; variant: string; type: string }>;
}

describe("load: 1,200 fresh visitors, 100 in flight", () => {
  it("serves every visitor a personalised page with a cookie, and logs exactly one exposure each, in their arm", async () => {
    const started = Date.now();
    const { served, errors, unsent } = await fire(REQUESTS, CONCURRENCY, LOAD_LIMIT_MS);
    const loadMs = Date.now() - started;

    expect(errors).toEqual([]);
    expect(unsent).toBe(0);
    expect(served).toHaveLength(REQUESTS);
    expect(served.filter((view) => view.status !== 200)).toEqual([]);
    expect(served.filter((view) => !view.visitor)).toEqual([]);
    expect(served.filter((view) => view.arm === "unknown")).toEqual([]);
    const armOfVisitor = new Map(served.map((view) => [view.visitor as string, view.arm]));
    expect(armOfVisitor.size).toBe(REQUESTS);
    const bold = served.filter((view) => view.arm === "bold").length;
    // 50/50 by hash: far from either edge for 1,200 visitors (a 10-sigma band).
    expect(bold).toBeGreaterThan(REQUESTS / 2 - 175);
    expect(bold).toBeLessThan(REQUESTS / 2 + 175);

    const drainStarted = Date.now();
    let events = await exposuresInSink();
    while (events.length < REQUESTS && Date.now() - drainStarted < DRAIN_LIMIT_MS) {
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      events = await exposuresInSink();
    }
    // One more queue batch window (max_batch_timeout is 2 s), for anything that would be counted twice.
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    events = await exposuresInSink();
    const drainMs = Date.now() - drainStarted;

    const latencies = served.map((view) => view.ms).sort((a, b) => a - b);
    const at = (q: number) =>
      Math.round(latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? 0);
    console.log(
      JSON.stringify({
        requests: served.length,
        concurrency: CONCURRENCY,
        loadMs,
        requestsPerSecond: Math.round((served.length / loadMs) * 1000),
        p50Ms: at(0.5),
        p99Ms: at(0.99),
        arms: { control: served.length - bold, bold },
        exposures: events.length,
        drainMs,
      }),
    );

    expect(events.filter((event) => event.type !== "exposure")).toEqual([]);
    expect(events).toHaveLength(REQUESTS);
    const perVisitor = new Map<string, string[]>();
    for (const event of events)
      perVisitor.set(event.visitor, [...(perVisitor.get(event.visitor) ?? []), event.variant]);
    expect(perVisitor.size).toBe(REQUESTS);
    for (const [visitor, arm] of armOfVisitor) expect(perVisitor.get(visitor), visitor).toEqual([arm]);
  }, 120_000);
});
