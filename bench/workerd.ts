import { convertV4MiniflareOptions, Miniflare, type V4WorkerOptionsShape } from "miniflare";
import { bundleWorker } from "./bundle.ts";
import { CF, VISITOR_SECRET } from "./config.ts";
import { childPid } from "./cpu.ts";
import type { RuleSetName } from "./rules-fixture.ts";
import { compatibilityDate } from "./wrangler-config.ts";

const QUEUE = "stylist-events";
const NO_QUEUE = [
  "rules-1",
  "rules-10",
  "rules-10-targeted-price",
  "rules-10-page-cache",
  "rules-1-large-edit",
] as const satisfies readonly RuleSetName[];
const DATABASE = "stylist-bench-db";

export type WorkerName =
  | "passthrough"
  | "floor"
  | "bare-ops"
  | "bare-no-match"
  | "growthbook"
  | "stylist-consumer"
  | `stylist-${(typeof NO_QUEUE)[number]}-no-queue`
  | `stylist-${RuleSetName}`;

export interface WorkerdInput {
  originUrl: string;
  ruleSets: readonly RuleSetName[];
  bareOps: unknown[];
  growthBookPayload: unknown;
}

export interface Workerd {
  mf: Miniflare;
  url(name: WorkerName): Promise<string>;
  /** Worker log lines that look like Stylist faults (`{"stylist": code, …}`), collected for the report. */
  faults: string[];
  /** The workerd process, for CPU accounting; undefined where it cannot be found. */
  pid: number | undefined;
  dispose(): Promise<void>;
}

/**
 * One Miniflare instance, so one workerd process, running every contestant as its own worker on its own port
 * (a direct socket each): the contestants share a runtime build, a process and its scheduling, and differ only in
 * their code. Nothing is persisted; state lives in a temporary directory that dispose() removes.
 */
export async function startWorkerd(input: WorkerdInput): Promise<Workerd> {
  const date = compatibilityDate();
  const [passthrough, floor, bareOps, growthbook, stylist] = await Promise.all([
    bundleWorker("passthrough"),
    bundleWorker("floor"),
    bundleWorker("bare-ops"),
    bundleWorker("growthbook"),
    bundleWorker("stylist"),
  ]);
  const ownPort = [{ host: "127.0.0.1", port: 0 }];
  const worker = (name: WorkerName, script: string, extra: Partial<V4WorkerOptionsShape>) => ({
    name,
    modules: true,
    script,
    compatibilityDate: date,
    unsafeDirectSockets: ownPort,
    ...extra,
  });
  const stylistBindings = (ruleSet: RuleSetName) => ({
    bindings: { ORIGIN_URL: input.originUrl, VISITOR_SECRET, RULES_REFRESH_SECONDS: "15" },
    kvNamespaces: { RULES: `kv-${ruleSet}` },
    queueProducers: { EVENTS: { queueName: QUEUE } },
    d1Databases: { DB: DATABASE },
  });
  const faults: string[] = [];
  const mf = new Miniflare(
    convertV4MiniflareOptions({
      host: "127.0.0.1",
      port: 0,
      cf: CF,
      handleStructuredLogs: ({ message }) => {
        if (message.includes('"stylist":')) faults.push(message);
      },
      workers: [
        worker("passthrough", passthrough, { bindings: { ORIGIN_URL: input.originUrl } }),
        worker("floor", floor, { bindings: { ORIGIN_URL: input.originUrl } }),
        worker("bare-ops", bareOps, {
          bindings: { ORIGIN_URL: input.originUrl, OPS: input.bareOps as never },
        }),
        // The same number of selectors, none of which matches: what matching alone costs, with no handler run.
        worker("bare-no-match", bareOps, {
          bindings: {
            ORIGIN_URL: input.originUrl,
            OPS: input.bareOps.map((_, i) => ({
              op: "addClass",
              selector: `#bench-absent-${i}`,
              value: "x",
            })) as never,
          },
        }),
        worker("growthbook", growthbook, {
          bindings: {
            PROXY_TARGET: input.originUrl,
            NODE_ENV: "production",
            RUN_VISUAL_EDITOR_EXPERIMENTS: "edge",
            RUN_URL_REDIRECT_EXPERIMENTS: "skip",
            RUN_CROSS_ORIGIN_URL_REDIRECT_EXPERIMENTS: "skip",
            // GrowthBook injects its browser SDK by default; Stylist sends no script, so neither does this run.
            DISABLE_INJECTIONS: "true",
            BENCH_GB_PAYLOAD: JSON.stringify(input.growthBookPayload),
          },
        }),
        ...input.ruleSets.map((ruleSet) => worker(`stylist-${ruleSet}`, stylist, stylistBindings(ruleSet))),
        // Diagnostics: exposure sends counted but not delivered, so no queue, consumer or D1 work shares the thread.
        ...NO_QUEUE.map((ruleSet) =>
          worker(`stylist-${ruleSet}-no-queue`, stylist, {
            ...stylistBindings(ruleSet),
            bindings: { ...stylistBindings(ruleSet).bindings, BENCH_DROP_EVENTS: "true" },
          }),
        ),
        // The queue's one consumer, configured as in wrangler.toml; it runs the same bundle's queue handler.
        worker("stylist-consumer", stylist, {
          ...stylistBindings("rules-10"),
          queueConsumers: {
            [QUEUE]: {
              maxBatchSize: 100,
              maxBatchTimeout: 2,
              maxRetries: 5,
              deadLetterQueue: `${QUEUE}-dlq`,
            },
          },
        }),
      ],
    }),
  );
  await mf.ready;
  return {
    mf,
    faults,
    pid: childPid("workerd"),
    async url(name) {
      return (await mf.unsafeGetDirectURL(name)).origin;
    },
    dispose: () => mf.dispose(),
  };
}
