import type { RecItem } from "../core/schema/recommendations.ts";
import type { GateThresholds } from "./params.ts";
import type { SignalStats } from "./signals.ts";

export interface Gate {
  name: string;
  /** The measured value, as printed. */
  value: string;
  /** The threshold it is held to, as printed. */
  needs: string;
  passed: boolean;
}

const percent = (share: number) => `${(share * 100).toFixed(1)}%`;

/**
 * What must hold before a table is published: enough behaviour to learn from, fresh enough to be about today's
 * catalogue, not learnt from bots, covering the catalogue rather than a corner of it, and not just the bestsellers
 * shown everywhere. Each is reported whether it passed or not.
 */
export function checkGates(
  stats: SignalStats,
  lists: ReadonlyMap<string, readonly RecItem[]>,
  thresholds: GateThresholds,
  now: number,
): Gate[] {
  const ageHours = stats.newest === undefined ? Number.POSITIVE_INFINITY : (now - stats.newest) / 3_600_000;
  const botShare = stats.events === 0 ? 0 : stats.botEvents / stats.events;
  const all = [...lists.values()];
  const learnt = all.filter((items) =>
    items.some((item) => item.source === "co-view" || item.source === "co-purchase"),
  );
  const coverage = all.length === 0 ? 0 : learnt.length / all.length;
  const slots = new Map<string, number>();
  for (const items of all) for (const item of items) slots.set(item.slug, (slots.get(item.slug) ?? 0) + 1);
  const totalSlots = [...slots.values()].reduce((sum, count) => sum + count, 0);
  const topTen = [...slots.values()]
    .sort((x, y) => y - x)
    .slice(0, 10)
    .reduce((sum, count) => sum + count, 0);
  const concentration = totalSlots === 0 ? 1 : topTen / totalSlots;
  return [
    {
      name: "sessions in the window",
      value: String(stats.sessions),
      needs: `≥ ${thresholds.minSessions}`,
      passed: stats.sessions >= thresholds.minSessions,
    },
    {
      name: "orders in the window",
      value: String(stats.orders),
      needs: `≥ ${thresholds.minOrders}`,
      passed: stats.orders >= thresholds.minOrders,
    },
    {
      name: "newest event age",
      value: Number.isFinite(ageHours) ? `${ageHours.toFixed(1)} h` : "no events",
      needs: `≤ ${thresholds.maxAgeHours} h`,
      passed: ageHours <= thresholds.maxAgeHours,
    },
    {
      name: "bot share (left out)",
      value: percent(botShare),
      needs: `≤ ${percent(thresholds.maxBotShare)}`,
      passed: botShare <= thresholds.maxBotShare,
    },
    {
      name: "catalogue coverage (learnt lists)",
      value: percent(coverage),
      needs: `≥ ${percent(thresholds.minCoverage)}`,
      passed: coverage >= thresholds.minCoverage,
    },
    {
      name: "concentration (top 10 products' share of slots)",
      value: percent(concentration),
      needs: `≤ ${percent(thresholds.maxConcentration)}`,
      passed: concentration <= thresholds.maxConcentration,
    },
  ];
}
