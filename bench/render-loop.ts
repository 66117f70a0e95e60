/**
 * The renderer's own CPU cost on the bench's product page, without HTTP, KV, the queue or D1: one workerd runs, per
 * source tree given, a worker that renders the page `renders` times in a loop through the real HTMLRewriter (the 10
 * product experiments, every visitor in the arm asked for), and workerd's CPU time (/proc) is divided by the renders.
 * Trees take turns round by round, so load on a shared machine falls on each alike; the median per tree is printed.
 *
 *   node bench/render-loop.ts [rounds] [renders] name=/path/to/tree ...   (ARM=control for the control arm)
 *   PROFILE=1 node bench/render-loop.ts 1 2000 main=.   (a V8 profile of the first tree, unminified, top functions)
 *
 * A tree is a checkout of this repository (e.g. `git worktree add --detach /tmp/base main` with node_modules linked):
 * the worker is bundled from its src/, so two commits are compared in one runtime. Writes nothing.
 */
import { existsSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { build } from "esbuild";
import { convertV4MiniflareOptions, Miniflare } from "miniflare";
import { findProduct } from "../demo/storefront/catalogue/index.ts";
import { productPage } from "../demo/storefront/pages/product.ts";
import { DEPLOYED_BUILD } from "./bundle.ts";
import { childPid, schedCpuSeconds } from "./cpu.ts";
import { profileWorker } from "./inspector-profile.ts";
import { productExperiments } from "./rules-fixture.ts";
import { treesOf } from "./source.ts";
import { compatibilityDate } from "./wrangler-config.ts";

const ENTRY = `
import { compileRules } from "./src/core/decide/compile.ts";
import { decide } from "./src/core/decide/decide.ts";
import { planEdits } from "./src/core/page-view/edit-plan.ts";
import { NO_RENDER_DATA } from "./src/core/page-view/render-data.ts";
import { syntheticContext } from "./src/core/visitor/context.ts";
import { renderPage } from "./src/render/render.ts";
export default {
  async fetch(request, env) {
    const url = new URL(request.url);
    const renders = Number(url.searchParams.get("renders"));
    const arm = url.searchParams.get("arm");
    const experiments = JSON.parse(env.EXPERIMENTS).map((experiment) => ({
      ...experiment,
      variants: experiment.variants.map((variant) => ({
        ...variant,
        weight: (variant.id === "control") === (arm === "control") ? 100 : 0,
      })),
    }));
    // Compiled once, as an isolate keeps its rules between page views.
    const rules = compileRules({ version: 1, experiments, killed: [] });
    const path = "/products/skarn-ridgeline-ultra";
    const decisions = decide(syntheticContext({ visitorId: "0".repeat(32), now: 0, path }), rules);
    if (decisions.length !== 10) throw new Error("expected the 10 product experiments, got " + decisions.length);
    const plan = planEdits(decisions);
    let bytes = 0;
    for (let i = 0; i < renders; i++) {
      const page = new Response(env.PAGE, { headers: { "content-type": "text/html; charset=utf-8" } });
      const rendered = renderPage(page, decisions, plan, NO_RENDER_DATA, () => new HTMLRewriter(), () => {});
      bytes += (await rendered.response.text()).length;
      await rendered.outcome;
    }
    return new Response(String(bytes));
  },
};
`;

/** Trees from before src/core was grouped into concept folders (6bbafb5, before real-pages) import the flat paths. */
const entryFor = (dir: string) =>
  existsSync(join(dir, "src/core/decide"))
    ? ENTRY
    : ENTRY.replace(/\.\/src\/core\/(?:decide|page-view|visitor)\//g, "./src/core/");

const [rounds = "9", renders = "150", ...specs] = process.argv.slice(2);
const trees = treesOf(specs, "node bench/render-loop.ts [rounds] [renders] name=/path/to/tree ...");
const arm = process.env.ARM === "control" ? "control" : "variant";
const profiling = process.env.PROFILE === "1";
const INSPECTOR_PORT = 9330;
const product = findProduct("skarn-ridgeline-ultra");
if (!product) throw new Error("the bench's product is missing from the catalogue");
const scripts = await Promise.all(
  trees.map(async ({ dir }) => {
    const result = await build({
      stdin: { contents: entryFor(dir), resolveDir: dir, loader: "ts" },
      bundle: true,
      write: false,
      ...DEPLOYED_BUILD,
      minify: !profiling,
      logLevel: "silent",
    });
    return result.outputFiles[0]?.text ?? "";
  }),
);
const mf = new Miniflare(
  convertV4MiniflareOptions({
    host: "127.0.0.1",
    port: 0,
    ...(profiling ? { inspectorPort: INSPECTOR_PORT } : {}),
    workers: trees.map(({ name }, i) => ({
      name,
      modules: true,
      script: scripts[i] as string,
      compatibilityDate: compatibilityDate(),
      bindings: { PAGE: productPage(product), EXPERIMENTS: JSON.stringify(productExperiments()) },
      unsafeDirectSockets: [{ host: "127.0.0.1", port: 0 }],
    })),
  }),
);
try {
  await mf.ready;
  const pid = childPid("workerd");
  const urls = await Promise.all(trees.map(async ({ name }) => (await mf.unsafeGetDirectURL(name)).origin));
  const run = async (url: string, count: string) => {
    const response = await fetch(`${url}/?renders=${count}&arm=${arm}`);
    if (!response.ok) throw new Error(`render loop failed: ${await response.text()}`);
    await response.text();
  };
  for (const url of urls) await run(url, "20");
  if (profiling) {
    const { profile, top } = await profileWorker(INSPECTOR_PORT, trees[0]?.name ?? "", () =>
      run(urls[0] as string, renders),
    );
    writeFileSync(`/tmp/render-${arm}.cpuprofile`, JSON.stringify(profile));
    console.log(`${trees[0]?.name} (${arm}), ${renders} renders; self time:\n${top.join("\n")}`);
    process.exit(0);
  }
  const perRender: number[][] = trees.map(() => []);
  for (let round = 0; round < Number(rounds); round++)
    for (let turn = 0; turn < trees.length; turn++) {
      const at = (turn + round) % trees.length;
      const before = schedCpuSeconds(pid) ?? Number.NaN;
      await run(urls[at] as string, renders);
      perRender[at]?.push((((schedCpuSeconds(pid) ?? Number.NaN) - before) * 1000) / Number(renders));
    }
  const sorted = (values: number[]) => [...values].sort((a, b) => a - b);
  const median = (values: number[]) => sorted(values)[Math.floor(values.length / 2)] ?? 0;
  // Load on a shared machine only adds CPU time (contention for caches and cores), so the fastest round is also shown.
  const least = (values: number[]) => sorted(values)[0] ?? 0;
  // Each round runs every tree back to back, so the ratio within a round cancels load that changes more slowly.
  const first = perRender[0] ?? [];
  trees.forEach(({ name }, i) => {
    const values = perRender[i] ?? [];
    const ratio =
      i === 0
        ? ""
        : `, ${median(values.map((v, r) => v / (first[r] ?? Number.NaN))).toFixed(3)}× ${trees[0]?.name} within rounds`;
    console.log(
      `${name} (${arm}): median ${median(values).toFixed(2)} ms CPU per render (least ${least(values).toFixed(2)}${ratio}); rounds ${values.map((v) => v.toFixed(2)).join(" ")}`,
    );
  });
} finally {
  await mf.dispose();
}
