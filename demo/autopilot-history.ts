import type { Backend } from "../src/cli/stores/types.ts";
import type { ConversionEvent, ExposureEvent, StylistEvent } from "../src/core/schema/event.ts";
import type { Snapshot } from "../src/core/schema/snapshot.ts";
import { insertOf } from "../src/sink/rows.ts";
import { createRng, type Rng } from "./storefront/prng.ts";

/**
 * The history the autopilot acts on in the demo (tour step 12, docs/autopilot.md#in-the-demo), seeded into local D1
 * at `npm start` for the current phase of two experiments in rules/autopilot-demo.json:
 * - the bandit `category-intro-bandit`: 400 visitors in each arm of period 1 (past its burn-in of 200), buying at
 *   5% (control), 5% (tested) and 15% (delivery), so a reweight moves traffic to "delivery";
 * - `category-count-split`, a 50/50 test: 1,150 visitors in control and 850 in the variant, a broken split (as a
 *   redirect that loses one arm's visitors would give), so the autopilot's sample-ratio rule pauses it.
 * Exposures and orders are events as the worker and the shop's backend record them, random visitor ids, no personal
 * data; written through the sink's own INSERT (src/sink/rows.ts).
 */
export const DEMO_BANDIT = "category-intro-bandit";
export const DEMO_BROKEN_SPLIT = "category-count-split";

interface Arm {
  variant: string;
  visitors: number;
  /** Share of them who buy after their first exposure. */
  purchaseRate: number;
}

export const DEMO_ARMS: Readonly<Record<string, readonly Arm[]>> = {
  [DEMO_BANDIT]: [
    { variant: "control", visitors: 400, purchaseRate: 0.05 },
    { variant: "tested", visitors: 400, purchaseRate: 0.05 },
    { variant: "delivery", visitors: 400, purchaseRate: 0.15 },
  ],
  [DEMO_BROKEN_SPLIT]: [
    { variant: "control", visitors: 1_150, purchaseRate: 0.06 },
    { variant: "in-stock", visitors: 850, purchaseRate: 0.06 },
  ],
};

const hex = (rng: Rng, length: number) => Array.from({ length }, () => rng.int(0, 15).toString(16)).join("");

function uuid(rng: Rng): string {
  const h = hex(rng, 32);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

const CATEGORIES = ["trail-running", "waterproofs", "hiking-boots", "camping"];

/**
 * The seeded events for the experiments' current phases in `snapshot` (an experiment it lacks is skipped), exposures
 * over the three hours before `now`, each order some minutes after its visitor's exposure. The same snapshot and
 * `now` give the same events.
 */
export function demoAutopilotHistory(snapshot: Snapshot, now: number): StylistEvent[] {
  const rng = createRng("fellside-demo-autopilot");
  const events: StylistEvent[] = [];
  for (const [experiment, arms] of Object.entries(DEMO_ARMS)) {
    const phase = snapshot.phases[experiment];
    if (!phase || !snapshot.experiments.some((candidate) => candidate.id === experiment)) continue;
    for (const arm of arms) {
      const buyers = Math.round(arm.visitors * arm.purchaseRate);
      for (let i = 0; i < arm.visitors; i++) {
        const visitor = hex(rng, 32);
        const ts = now - rng.int(10, 180) * 60_000;
        const device = rng.next() < 0.6 ? "mobile" : "desktop";
        const exposure: ExposureEvent = {
          id: uuid(rng),
          type: "exposure",
          ts,
          visitor,
          path: `/category/${rng.pick(CATEGORIES)}`,
          device,
          experiment,
          variant: arm.variant,
          phase: phase.phase,
          rulesVersion: snapshot.version,
          // Period 1: the variants' own weights, before any reweight.
          ...(snapshot.experiments.find((candidate) => candidate.id === experiment)?.allocation
            ? { period: 1 }
            : {}),
        };
        events.push(exposure);
        // Exactly `buyers` of them buy (the first ones; visitor ids are random), so the planted rates are exact.
        if (i < buyers) {
          const order: ConversionEvent = {
            id: uuid(rng),
            type: "conversion",
            ts: ts + rng.int(2, 9) * 60_000,
            visitor,
            goal: "purchase",
            path: "/checkout",
            device,
            reportedBy: "server",
            orderId: `SIM-${hex(rng, 10)}`,
            value: rng.int(40, 240) * 100,
            currency: "GBP",
          };
          events.push(order);
        }
      }
    }
  }
  return events.sort((a, b) => a.ts - b.ts);
}

const literal = (value: unknown) =>
  value === null || value === undefined
    ? "NULL"
    : typeof value === "number"
      ? String(value)
      : `'${String(value).replaceAll("'", "''")}'`;

/**
 * The sink's own INSERTs (insertOf: the same columns and conflict clauses as the queue consumer), a few hundred rows
 * a statement with the values written in: local D1 through wrangler's proxy binds at most 100 parameters, and one
 * statement an event would take most of a minute.
 */
export function seedStatements(events: readonly StylistEvent[], rowsPerStatement = 300): string[] {
  const byStatement = new Map<string, string[]>();
  for (const event of events) {
    const { sql, params } = insertOf(event);
    const row = `(${params.map(literal).join(", ")})`;
    byStatement.set(sql, [...(byStatement.get(sql) ?? []), row]);
  }
  const statements: string[] = [];
  for (const [sql, rows] of byStatement) {
    const placeholders = /\(\?(?:, \?)*\)/.exec(sql);
    if (!placeholders) throw new Error("the sink's INSERT has no row of placeholders");
    const head = sql.slice(0, placeholders.index);
    const tail = sql.slice(placeholders.index + placeholders[0].length);
    for (let start = 0; start < rows.length; start += rowsPerStatement)
      statements.push(`${head}${rows.slice(start, start + rowsPerStatement).join(", ")}${tail}`);
  }
  return statements;
}

/**
 * `npm start`'s autopilot history: seeded once per phase of the demo bandit (a local state whose bandit phase already
 * has exposures keeps them, and whatever the user's own visits added).
 */
export async function ensureDemoAutopilotHistory(
  backend: Backend,
  snapshot: Snapshot,
  now = Date.now(),
): Promise<number> {
  const phase = snapshot.phases[DEMO_BANDIT];
  if (!phase) return 0;
  const [seen] = await backend.sink.query<{ n: number }>(
    "SELECT COUNT(*) AS n FROM events WHERE experiment = ?1 AND phase = ?2",
    [DEMO_BANDIT, phase.phase],
  );
  if (Number(seen?.n ?? 0) > 0) return 0;
  const events = demoAutopilotHistory(snapshot, now);
  for (const statement of seedStatements(events)) await backend.sink.query(statement);
  return events.length;
}
