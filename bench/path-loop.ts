/**
 * The worker's whole fetch path, not the renderer alone: the real worker entry (Hono, cookies, rules from KV, decide,
 * the origin fetch, response headers, the page cache, the exposure pack) bundled from each source tree given, every
 * tree in one workerd in front of the demo storefront, on the paths that are not the variant renderer: the page no
 * rule targets (1,000 rules), 0 rules, the control arm (10 experiments) and repeat views with the page cache on. A
 * pass-through worker runs on the same page as each turn's baseline.
 *
 *   node bench/path-loop.ts [rounds] [requests] name=/path/to/tree ...   (PATHS=untargeted,rules-0,... to pick)
 *
 * Each turn sends `requests` requests (8 connections, autocannon) to one tree's worker for one path and divides
 * workerd's CPU time (/proc) by them. Trees and the pass-through take turns round by round, starting each round at a
 * different place, so load on a shared machine falls on each alike; the median per tree and path is printed, with
 * the median of each round's ratio to that round's pass-through. Exposure sends are counted and dropped (the local
 * Queue's broker would add the same cost to every tree). Each tree's KV is seeded and its visitor cookies signed by
 * that tree's own code (src/rules, bench/visitors.ts), so a tree is judged on its own formats. Writes nothing.
 *
 * A tree is a checkout of this repository (`git worktree add --detach /tmp/base <commit>`, node_modules linked).
 */
import { writeFileSync } from "node:fs";
import { loadavg } from "node:os";
import autocannon from "autocannon";
import { convertV4MiniflareOptions, Miniflare } from "miniflare";
import { bundleSource, bundleWorker } from "./bundle.ts";
import { BASE_HEADERS, CF, PRODUCT_PATH, UNTARGETED_PATH, VISITOR_SECRET } from "./config.ts";
import { childPid, schedCpuSeconds as cpuSeconds } from "./cpu.ts";
import { profileWorker } from "./inspector-profile.ts";
import { startOrigin } from "./origin.ts";
import { productExperiments, type RuleSetName, ruleSets } from "./rules-fixture.ts";
import { treesOf } from "./source.ts";
import { compatibilityDate } from "./wrangler-config.ts";

/** The real worker, with EVENTS counted and dropped; the wrapped env is made once per env, as configOf expects. */
const ENTRY = `
import stylist from "./src/worker/index.ts";
const counted = { messages: 0, events: 0 };
const wrapped = new WeakMap();
const dropping = {
  async send(body) { counted.messages++; counted.events += Array.isArray(body?.events) ? body.events.length : 1; },
  async sendBatch(messages) { for (const m of messages) await dropping.send(m.body); },
};
export default {
  fetch(request, env, ctx) {
    if (new URL(request.url).pathname === "/__loop/events") return new Response(JSON.stringify(counted));
    let inner = wrapped.get(env);
    if (!inner) wrapped.set(env, (inner = { ...env, EVENTS: dropping }));
    return stylist.fetch(request, inner, ctx);
  },
};
`;

type Arm = "variant" | "control";
interface PathCase {
  ruleSet: RuleSetName;
  path: string;
  arm: Arm;
}

const PATHS: Record<string, PathCase> = {
  untargeted: { ruleSet: "rules-1000", path: UNTARGETED_PATH, arm: "variant" },
  "rules-0": { ruleSet: "rules-0", path: PRODUCT_PATH, arm: "variant" },
  control: { ruleSet: "rules-10", path: PRODUCT_PATH, arm: "control" },
  "page-cache": { ruleSet: "rules-10-page-cache", path: PRODUCT_PATH, arm: "variant" },
  /** The variant renderer (render-cost's), for reference only: not run unless asked for. */
  variant: { ruleSet: "rules-10", path: PRODUCT_PATH, arm: "variant" },
};
const CONNECTIONS = 8;

const [rounds = "7", requests = "400", ...specs] = process.argv.slice(2);
const trees = treesOf(specs, "node bench/path-loop.ts [rounds] [requests] name=/path/to/tree ...");
const picked = (process.env.PATHS ?? "untargeted,rules-0,control,page-cache").split(",").map((p) => p.trim());
for (const name of picked) if (!PATHS[name]) throw new Error(`unknown path ${name}: ${Object.keys(PATHS)}`);
const ruleSetNames = [...new Set(picked.map((name) => (PATHS[name] as PathCase).ruleSet))];
const sets = ruleSets().filter((set) => ruleSetNames.includes(set.name));
const workerName = (tree: string, ruleSet: RuleSetName) => `${tree}-${ruleSet}`;
/** PROFILE=1: instead of timing, a V8 profile of the first tree on each path (unminified), top functions printed. */
const profiling = process.env.PROFILE === "1";
const INSPECTOR_PORT = 9329;

const origin = await startOrigin();
try {
  const scripts = await Promise.all(trees.map(({ dir }) => bundleSource(ENTRY, dir, !profiling)));
  const passthrough = await bundleWorker("passthrough", { minify: true });
  const mf = new Miniflare(
    convertV4MiniflareOptions({
      host: "127.0.0.1",
      port: 0,
      cf: CF,
      ...(profiling ? { inspectorPort: INSPECTOR_PORT } : {}),
      workers: [
        {
          name: "passthrough",
          modules: true,
          script: passthrough,
          compatibilityDate: compatibilityDate(),
          bindings: { ORIGIN_URL: origin.url },
          unsafeDirectSockets: [{ host: "127.0.0.1", port: 0 }],
        },
        ...trees.flatMap(({ name }, i) =>
          ruleSetNames.map((ruleSet) => ({
            name: workerName(name, ruleSet),
            modules: true,
            script: scripts[i] as string,
            compatibilityDate: compatibilityDate(),
            bindings: { ORIGIN_URL: origin.url, VISITOR_SECRET, RULES_REFRESH_SECONDS: "15" },
            kvNamespaces: { RULES: `kv-${workerName(name, ruleSet)}` },
            unsafeDirectSockets: [{ host: "127.0.0.1", port: 0 }],
          })),
        ),
      ],
    }),
  );
  try {
    await mf.ready;
    const pid = childPid("workerd");
    const now = Date.now();
    const cookies = new Map<string, Record<Arm, string>>();
    for (const { name, dir } of trees) {
      // Each tree's own rule store and cookie signing, so an older tree reads the formats it was written for.
      const { kvRuleStore } = await import(`${dir}/src/rules/store.ts`);
      const { pushRules } = await import(`${dir}/src/rules/versions.ts`);
      const { stylistCookie } = await import(`${dir}/bench/visitors.ts`);
      for (const set of sets) {
        const kv = await mf.getKVNamespace("RULES", workerName(name, set.name));
        await pushRules(
          kvRuleStore(kv),
          { experiments: set.experiments, ...(set.settings ? { settings: set.settings } : {}) },
          { author: "bench", message: set.name },
        );
      }
      cookies.set(name, {
        variant: await stylistCookie(productExperiments(), "variant", now),
        control: await stylistCookie(productExperiments(), "control", now),
      });
    }
    const url = async (worker: string) => (await mf.unsafeGetDirectURL(worker)).origin;
    const load = async (target: string, cookie: string, amount: number) => {
      const result = await autocannon({
        url: target,
        connections: CONNECTIONS,
        amount,
        pipelining: 1,
        timeout: 10,
        headers: { ...BASE_HEADERS, cookie },
      });
      if (result.errors || result.timeouts || result.non2xx)
        throw new Error(
          `${target}: ${result.errors} errors, ${result.timeouts} timeouts, ${result.non2xx} non-2xx`,
        );
    };
    /** CPU ms per request of one turn. */
    const turn = async (target: string, cookie: string) => {
      const before = cpuSeconds(pid) ?? Number.NaN;
      await load(target, cookie, Number(requests));
      return (((cpuSeconds(pid) ?? Number.NaN) - before) * 1000) / Number(requests);
    };
    const started = loadavg()[0]?.toFixed(2);
    const median = (values: number[]) =>
      [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;
    for (const pathName of picked) {
      const { ruleSet, path, arm } = PATHS[pathName] as PathCase;
      const entrants = [
        {
          name: "pass-through",
          target: `${await url("passthrough")}${path}`,
          cookie: cookies.get(trees[0]?.name ?? "")?.[arm] ?? "",
        },
        ...(await Promise.all(
          trees.map(async ({ name }) => ({
            name,
            target: `${await url(workerName(name, ruleSet))}${path}`,
            cookie: cookies.get(name)?.[arm] ?? "",
          })),
        )),
      ];
      for (const entrant of entrants)
        await load(entrant.target, entrant.cookie, Math.ceil(Number(requests) / 2));
      if (profiling) {
        for (const [at, worker] of [
          [1, workerName(trees[0]?.name ?? "", ruleSet)],
          [0, "passthrough"],
        ] as const) {
          const entrant = entrants[at] as (typeof entrants)[number];
          const count = Number(requests) * Number(rounds);
          const { profile, top, inclusive, busyMs } = await profileWorker(INSPECTOR_PORT, worker, () =>
            load(entrant.target, entrant.cookie, count),
          );
          writeFileSync(`/tmp/path-${pathName}-${worker}.cpuprofile`, JSON.stringify(profile));
          console.log(
            `${pathName} (${worker}): ${((busyMs * 1000) / count).toFixed(0)} µs of the isolate's thread busy per request (sampled); self time:\n${top.join("\n")}\ninclusive:\n${inclusive.join("\n")}`,
          );
        }
        continue;
      }
      const perRequest: number[][] = entrants.map(() => []);
      for (let round = 0; round < Number(rounds); round++)
        for (let step = 0; step < entrants.length; step++) {
          const at = (step + round) % entrants.length;
          const entrant = entrants[at] as (typeof entrants)[number];
          perRequest[at]?.push(await turn(entrant.target, entrant.cookie));
        }
      const base = perRequest[0] ?? [];
      const first = perRequest[1] ?? [];
      const ratio = (values: number[], to: number[]) =>
        median(values.map((value, r) => value / (to[r] ?? Number.NaN))).toFixed(3);
      entrants.forEach(({ name }, i) => {
        const values = perRequest[i] ?? [];
        console.log(
          `${pathName} ${name}: median ${median(values).toFixed(3)} ms CPU/request` +
            (i === 0 ? "" : ` (${ratio(values, base)}× pass-through`) +
            (i > 1
              ? `, ${ratio(values, first)}× ${entrants[1]?.name} in the same round)`
              : i === 1
                ? ")"
                : "") +
            `; rounds ${values.map((v) => v.toFixed(3)).join(" ")}`,
        );
      });
    }
    for (const { name } of trees) {
      const counts = await Promise.all(
        ruleSetNames.map(async (ruleSet) => {
          const response = await fetch(`${await url(workerName(name, ruleSet))}/__loop/events`);
          return `${ruleSet} ${await response.text()}`;
        }),
      );
      console.log(`${name} exposure sends (dropped): ${counts.join("; ")}`);
    }
    console.log(`load average (1 min) ${started} at the start, ${loadavg()[0]?.toFixed(2)} at the end`);
  } finally {
    await mf.dispose();
  }
} finally {
  await origin.stop();
}
