/**
 * Which comparisons an experiment gets. Every metric goal gets its conversion rate; a goal with revenue
 * ("purchase", or any goal whose conversions carried a value) also gets revenue per visitor and average order
 * value. Only the primary goal's rate decides the verdict; its revenue figures are secondary.
 */

import { PURCHASE } from "../core/schema/goals.ts";
import type { MetricRole, Statistic } from "./model.ts";

export interface MetricSpec {
  metric: string;
  statistic: Statistic;
  role: MetricRole;
}

export function metricSpecs(
  metrics: { primary: string; secondary: readonly string[]; guardrails: readonly string[] },
  valued: (goal: string) => boolean,
): MetricSpec[] {
  const specs: MetricSpec[] = [];
  const add = (metric: string, statistic: Statistic, role: MetricRole) => {
    if (!specs.some((spec) => spec.metric === metric && spec.statistic === statistic))
      specs.push({ metric, statistic, role });
  };
  const goal = (metric: string, role: MetricRole) => {
    add(metric, "rate", role);
    if (metric !== PURCHASE && !valued(metric)) return;
    const revenueRole = role === "primary" ? "secondary" : role;
    add(metric, "revenuePerVisitor", revenueRole);
    add(metric, "averageOrderValue", revenueRole);
  };
  goal(metrics.primary, "primary");
  for (const metric of metrics.guardrails) goal(metric, "guardrail");
  for (const metric of metrics.secondary) goal(metric, "secondary");
  return specs;
}

const STATISTIC_LABELS: Record<Statistic, string> = {
  rate: "conversion rate",
  revenuePerVisitor: "revenue per visitor",
  averageOrderValue: "average order value",
};

/** "purchase conversion rate", "purchase revenue per visitor". */
export const metricLabel = (metric: string, statistic: Statistic): string =>
  `${metric} ${STATISTIC_LABELS[statistic]}`;
