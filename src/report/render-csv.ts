/**
 * The report as CSV (RFC 4180): one row per experiment × group × arm × metric statistic. Baseline rows carry
 * the arm's value and leave the comparison columns empty; group is empty for the whole experiment and holds the
 * breakdown value (exploratory, pAdjusted empty) otherwise. Numbers are plain decimals, rates as fractions,
 * money in minor units (pence, cents): the `unit` column says which, per row, so nobody reads 4250 as £4,250.
 */

import { statisticValue } from "./arm-figures.ts";
import type { ArmReport, Comparison, ExperimentReport, Report, Statistic } from "./model.ts";

export const CSV_COLUMNS = [
  "experiment",
  "phase",
  "group",
  "arm",
  "role",
  "visitors",
  "metric",
  "statistic",
  "unit",
  "metric_role",
  "value",
  "baseline_value",
  "difference",
  "difference_ci_low",
  "difference_ci_high",
  "lift",
  "ci_low",
  "ci_high",
  "p",
  "p_adjusted",
  "chance_to_beat",
  "significant",
  "srm_p",
  "verdict",
  "method",
  "note",
] as const;

type Cell = string | number | boolean | null | undefined;

function csvCell(value: Cell): string {
  if (value === null || value === undefined) return "";
  const text = String(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

interface Spec {
  metric: string;
  statistic: Statistic;
  role: string;
}

function specsOf(experiment: ExperimentReport): Spec[] {
  const specs: Spec[] = [];
  for (const c of experiment.comparisons) {
    if (!specs.some((s) => s.metric === c.metric && s.statistic === c.statistic))
      specs.push({ metric: c.metric, statistic: c.statistic, role: c.role });
  }
  if (specs.length > 0) return specs;
  const { primary, secondary, guardrails } = experiment.metrics;
  return [
    { metric: primary, statistic: "rate", role: "primary" },
    ...guardrails.map((metric) => ({ metric, statistic: "rate" as const, role: "guardrail" })),
    ...secondary.map((metric) => ({ metric, statistic: "rate" as const, role: "secondary" })),
  ];
}

/** What the row's value, baseline and difference columns count. */
function unitOf(statistic: Statistic, currency: string | null): string {
  if (statistic === "rate") return "fraction";
  return currency ? `${currency} minor units` : "minor units";
}

function rows(
  experiment: ExperimentReport,
  group: string,
  arms: ArmReport[],
  comparisons: Comparison[],
  srmP: number | null,
  verdict: string,
): Cell[][] {
  const out: Cell[][] = [];
  for (const arm of arms) {
    for (const spec of specsOf(experiment)) {
      const c = comparisons.find(
        (x) => x.arm === arm.id && x.metric === spec.metric && x.statistic === spec.statistic,
      );
      out.push([
        experiment.id,
        experiment.phase,
        group,
        arm.id,
        arm.role,
        arm.visitors,
        spec.metric,
        spec.statistic,
        unitOf(spec.statistic, arm.currency),
        spec.role,
        statisticValue(arm, spec.metric, spec.statistic),
        c?.baselineValue,
        c?.difference,
        c?.differenceCi[0],
        c?.differenceCi[1],
        c?.lift,
        c?.ci[0],
        c?.ci[1],
        c?.p,
        c?.pAdjusted,
        c?.chanceToBeat,
        c ? c.significant : undefined,
        srmP,
        verdict,
        c?.method,
        c?.note,
      ]);
    }
  }
  return out;
}

export function renderCsv(report: Report): string {
  const lines: Cell[][] = [[...CSV_COLUMNS]];
  for (const experiment of report.experiments) {
    lines.push(
      ...rows(
        experiment,
        "",
        experiment.arms,
        experiment.comparisons,
        experiment.srm.p,
        experiment.verdict.status,
      ),
    );
    for (const group of experiment.breakdown?.groups ?? []) {
      lines.push(...rows(experiment, group.value, group.arms, group.comparisons, group.srmP, "exploratory"));
    }
  }
  return `${lines.map((line) => line.map(csvCell).join(",")).join("\r\n")}\r\n`;
}
