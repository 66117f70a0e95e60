/** An arm's descriptive figures: visitors, conversions and rate per goal, purchase orders and revenue. */

import { PURCHASE } from "../core/schema/goals.ts";
import type { ArmRole } from "./config.ts";
import * as f from "./format.ts";
import { metricLabel } from "./metrics.ts";
import type { ArmReport, Comparison, ExperimentReport, GoalFigures, Statistic } from "./model.ts";
import { type ArmSums, goalOf } from "./sums.ts";

const ratio = (numerator: number, denominator: number) => (denominator > 0 ? numerator / denominator : null);

function goalFigures(arm: ArmSums | undefined, goal: string): GoalFigures {
  const sums = goalOf(arm, goal);
  const visitors = arm?.visitors ?? 0;
  return {
    conversions: sums.converters,
    rate: ratio(sums.converters, visitors),
    orders: sums.orders,
    revenue: sums.revenue,
  };
}

/** The only currency of a goal's values, or null when none or several were seen. */
export function currencyOf(
  currencies: ReadonlyMap<string, ReadonlySet<string>>,
  goal: string,
): string | null {
  const seen = currencies.get(goal);
  return seen && seen.size === 1 ? ([...seen][0] ?? null) : null;
}

export function armFigures(
  id: string,
  role: ArmRole | "unexpected",
  arm: ArmSums | undefined,
  goals: readonly string[],
  primary: string,
  currency: string | null,
): ArmReport {
  const visitors = arm?.visitors ?? 0;
  const purchase = goalOf(arm, PURCHASE);
  const main = goalFigures(arm, primary);
  const perGoal: Record<string, GoalFigures> = {};
  for (const goal of goals) perGoal[goal] = goalFigures(arm, goal);
  return {
    id,
    role,
    visitors,
    conversions: main.conversions,
    rate: main.rate,
    orders: purchase.orders,
    revenue: purchase.revenue,
    revenuePerVisitor: ratio(purchase.revenue, visitors),
    aov: ratio(purchase.revenue, purchase.orders),
    currency,
    goals: perGoal,
  };
}

/** An arm's value of one metric statistic: a rate, revenue per visitor or average order value (minor units). */
export function statisticValue(arm: ArmReport, metric: string, statistic: Statistic): number | null {
  const goal = Object.hasOwn(arm.goals, metric) ? arm.goals[metric] : undefined;
  if (!goal) return null;
  if (statistic === "rate") return goal.rate;
  if (statistic === "revenuePerVisitor") return ratio(goal.revenue, arm.visitors);
  return ratio(goal.revenue, goal.orders);
}

/** One arm's row of figures, as text, for every rendering (terminal, HTML, CSV). */
export function armCells(arm: ArmReport): string[] {
  return [
    arm.id,
    arm.role,
    f.count(arm.visitors),
    f.count(arm.conversions),
    f.percent(arm.rate),
    f.count(arm.orders),
    f.money(arm.revenue, arm.currency),
    f.money(arm.revenuePerVisitor, null),
    f.money(arm.aov, null),
  ];
}

/** One comparison's row of figures, as text, for the terminal and HTML renderings. */
export function comparisonCells(c: Comparison, currency: string | null, sequential: boolean): string[] {
  return [
    c.arm,
    metricLabel(c.metric, c.statistic),
    c.role,
    f.statistic(c.statistic, c.baselineValue, currency),
    f.statistic(c.statistic, c.value, currency),
    f.signedPercent(c.lift),
    f.percentInterval(c.ci),
    ...(sequential ? [f.percentInterval(c.sequential?.ci ?? [null, null])] : []),
    f.pValue(c.p),
    f.pValue(c.pAdjusted),
    f.percent(c.chanceToBeat, 1),
  ];
}

/** The exploratory breakdown as one table: a row per group × arm, on the primary metric's rate, with each group's SRM p. */
export function breakdownTable(experiment: ExperimentReport): { headers: string[]; rows: string[][] } | null {
  const breakdown = experiment.breakdown;
  if (!breakdown) return null;
  const primary = experiment.metrics.primary;
  const rows = breakdown.groups.flatMap((group) =>
    group.arms.map((arm) => {
      const c = group.comparisons.find(
        (x) => x.arm === arm.id && x.metric === primary && x.statistic === "rate",
      );
      return [
        group.value,
        arm.id,
        f.count(arm.visitors),
        f.percent(statisticValue(arm, primary, "rate")),
        c ? f.signedPercent(c.lift) : "",
        c ? f.percentInterval(c.ci) : "",
        c ? f.pValue(c.p) : "",
        f.pValue(group.srmP),
      ];
    }),
  );
  const headers = [
    breakdown.by,
    "arm",
    "visitors",
    `${primary} rate`,
    "lift",
    f.intervalLabel(experiment.alpha),
    "p (raw)",
    "SRM p",
  ];
  return { headers, rows };
}
