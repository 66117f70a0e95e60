// `npm run bench`: every contestant in one workerd in front of the demo storefront; writes bench/results.json and
// regenerates the tables in docs/benchmarks.md. The method is described in docs/benchmarks.md.
import { assemble } from "./assemble.ts";
import { finishBackground, sampleBackground } from "./background.ts";
import { countIn, getBody, loadRunsClean } from "./checks.ts";
import { BENCH, PRODUCT_PATH, SLOW_PATH, UNTARGETED_PATH } from "./config.ts";
import { CONTESTANTS, type Contestant, type CookieKind, NOT_IMPLEMENTED } from "./contestants.ts";
import { checkCorrectness, growthBookControlMatchesOrigin, untouchedPageHeaders } from "./correctness.ts";
import { growthBookPayload } from "./growthbook-payload.ts";
import { describeMachine } from "./machine.ts";
import { startOrigin } from "./origin.ts";
import { renderGenerated, updateDoc, writeResults } from "./report.ts";
import type { Results } from "./results.ts";
import { runLoadRounds } from "./rounds.ts";
import { productVariantOps, ruleSets } from "./rules-fixture.ts";
import { applyMigrations, pushRuleSets, storedEventCount } from "./seed-state.ts";
import { measureFirstByte, measureFullPage, type SequentialTarget } from "./sequential.ts";
import { describeSource } from "./source.ts";
import { evaluateTargets } from "./targets.ts";
import { growthBookCookie, stylistCookie } from "./visitors.ts";
import { startWorkerd } from "./workerd.ts";

/** `BENCH_ONLY=passthrough,stylist-10` measures just those rows, for working on one figure; it writes nothing. */
const only = process.env.BENCH_ONLY?.split(",").map((id) => id.trim());
const log = (line: string) => console.log(`[bench ${new Date().toISOString().slice(11, 19)}] ${line}`);
const started = performance.now();
const source = describeSource();
const background = await sampleBackground();
log(
  `machine busy ${Math.round((background.busyShareBeforeRun ?? 0) * 100)}% before the run (other processes)`,
);

const origin = await startOrigin();
try {
  const sets = ruleSets();
  const product = sets.find((set) => set.name === "rules-10")?.experiments ?? [];
  const payload = growthBookPayload(product);
  const now = Date.now();
  const cookies: Record<CookieKind, string> = {
    "stylist-variant": await stylistCookie(product, "variant", now),
    "stylist-control": await stylistCookie(product, "control", now),
    "growthbook-variant": await growthBookCookie(payload, "variant"),
    "growthbook-control": await growthBookCookie(payload, "control"),
  };
  const workerd = await startWorkerd({
    originUrl: origin.url,
    ruleSets: sets.map((set) => set.name),
    bareOps: productVariantOps(),
    growthBookPayload: payload,
  });
  try {
    const migrations = await applyMigrations(workerd);
    await pushRuleSets(workerd, sets);
    log(
      `origin ${origin.url}; ${migrations.join(", ")} applied; rule sets of ${sets.map((s) => s.experiments.length).join("/")} pushed`,
    );

    const base = (c: Contestant) =>
      c.target === "origin" ? Promise.resolve(origin.url) : workerd.url(c.target);
    const headers = (c: Contestant) => ({ cookie: cookies[c.cookie] });
    const correctnessInput = { originUrl: origin.url, url: workerd.url, cookies, product };
    const checks = await checkCorrectness(correctnessInput);
    const informational = [
      await growthBookControlMatchesOrigin(correctnessInput),
      await untouchedPageHeaders(correctnessInput),
    ];
    for (const check of [...checks, ...informational])
      log(`${check.ok ? "ok  " : "FAIL"} ${check.name}: ${check.detail}`);

    const loadRounds = (contestants: readonly Contestant[]) =>
      runLoadRounds({ contestants, url: base, headers, workerd, log, assertHealthy: origin.assertAlive });
    if (only) {
      const picked = CONTESTANTS.filter((c) => only.includes(c.id));
      log(`BENCH_ONLY: load rounds for ${picked.map((c) => c.id).join(", ")}; nothing is written`);
      const subset = await loadRounds(picked);
      for (const [id, rounds] of subset) {
        const cpu = rounds.samples.map((s) => s.workerdCpuMsPerRequest?.toFixed(3) ?? "?").join(" / ");
        const rps = rounds.samples.map((s) => Math.round(s.requestsPerSecond)).join(" / ");
        log(`${id}: req/s ${rps}; workerd CPU ms/req ${cpu}`);
      }
      process.exitCode = checks.some((check) => !check.ok) ? 1 : 0;
    } else {
      const load = await loadRounds(CONTESTANTS);
      origin.assertAlive();
      const targets = async (list: readonly Contestant[]): Promise<SequentialTarget[]> =>
        Promise.all(
          list.map(async (c) => ({ id: c.id, base: await base(c), path: c.path, headers: headers(c) })),
        );
      log(`full page: ${BENCH.fullPageRequests} sequential requests per contestant, interleaved`);
      const fullPage = await measureFullPage(await targets(CONTESTANTS));
      log(
        `first byte: ${BENCH.ttfbRequests} sequential requests per contestant to ${SLOW_PATH}, interleaved`,
      );
      const firstByte = await measureFirstByte(await targets(CONTESTANTS.filter((c) => c.ttfb)));
      origin.assertAlive();
      const contestants = assemble(CONTESTANTS, PRODUCT_PATH, { load, fullPage, firstByte });
      checks.push(loadRunsClean(contestants));

      const productBody = await getBody(origin.url, PRODUCT_PATH, "");
      const results: Results = {
        generatedBy: "npm run bench",
        date: new Date().toISOString(),
        durationSeconds: Math.round((performance.now() - started) / 1000),
        machine: describeMachine(),
        source,
        background: finishBackground(background),
        settings: {
          connections: BENCH.connections,
          rounds: BENCH.rounds,
          warmupSeconds: BENCH.warmupSeconds,
          loadSeconds: BENCH.loadSeconds,
          ttfbRequests: BENCH.ttfbRequests,
          fullPageRequests: BENCH.fullPageRequests,
          slowOriginMs: BENCH.slowOriginMs,
          productPath: PRODUCT_PATH,
          untargetedPath: UNTARGETED_PATH,
          slowPath: SLOW_PATH,
          productPageBytes: productBody.length,
          untargetedPageBytes: (await getBody(origin.url, UNTARGETED_PATH, "")).length,
          priceElements: countIn(productBody, 'class="price"'),
          kvCounting:
            "bench/workers/stylist.js wraps the real worker's RULES and EVENTS bindings in counting proxies; counters are zeroed after each warm-up and read after each measured run",
        },
        contestants,
        notImplemented: NOT_IMPLEMENTED,
        checks,
        informational,
        targets: evaluateTargets(contestants),
        sink: { storedEvents: await storedEventCount(workerd) },
        faults: workerd.faults.slice(0, 20),
      };
      writeResults(results);
      updateDoc(results);
      console.log(`\n${renderGenerated(results)}\n`);
      log("wrote bench/results.json and docs/benchmarks.md");
      if (checks.some((check) => !check.ok)) process.exitCode = 1;
    }
  } finally {
    await workerd.dispose();
  }
} finally {
  await origin.stop();
}
