/** The report for a terminal: per experiment a header, the arms, the comparisons and the verdict in words. */

import { textTable } from "../format/text-table.ts";
import { armCells, breakdownTable, comparisonCells } from "./arm-figures.ts";
import * as f from "./format.ts";
import { metricLabel } from "./metrics.ts";
import type { ArmReport, Comparison, ExperimentReport, Report } from "./model.ts";
import { banditText } from "./render-bandit.ts";

function armsTable(arms: ArmReport[], primary: string): string {
  return textTable(
    ["arm", "role", "visitors", `${primary} conv.`, "rate", "orders", "revenue", "per visitor", "AOV"],
    arms.map(armCells),
  );
}

function comparisonsTable(
  comparisons: Comparison[],
  currency: string | null,
  sequential: boolean,
  alpha: number,
): string {
  return textTable(
    [
      "arm",
      "metric",
      "role",
      "baseline",
      "arm value",
      "lift",
      f.intervalLabel(alpha),
      ...(sequential ? ["always-valid CI"] : []),
      "p",
      "p (Holm)",
      "P(beat)",
    ],
    comparisons.map((c) => comparisonCells(c, currency, sequential)),
  );
}

function header(experiment: ExperimentReport): string {
  const srm =
    experiment.srm.p === null
      ? `SRM not checked (${experiment.srm.note})`
      : `SRM ${f.pPhrase(experiment.srm.p)}${experiment.srm.ok ? " ok" : " MISMATCH"}`;
  const since = experiment.since ? ` · since ${experiment.since.slice(0, 10)}` : "";
  const name = experiment.name ? ` — ${experiment.name}` : "";
  return [
    `${experiment.id}${name}`,
    `phase ${experiment.phase} · ${experiment.kind}${experiment.status ? ` (${experiment.status})` : ""}${since} · ${f.days(experiment.days)} days · ${srm}`,
  ].join("\n");
}

function breakdownText(experiment: ExperimentReport): string[] {
  const breakdown = experiment.breakdown;
  const figures = breakdownTable(experiment);
  if (!breakdown || !figures) return [];
  return [`By ${breakdown.by}, EXPLORATORY. ${breakdown.note}`, textTable(figures.headers, figures.rows)];
}

/** Why a figure shows "–": one line per comparison that could not be computed in full. */
export function notesText(comparisons: Comparison[]): string[] {
  const lines = comparisons
    .filter((c) => c.note)
    .map((c) => `  ${c.arm} · ${metricLabel(c.metric, c.statistic)}: ${c.note}`);
  return lines.length > 0 ? [`Not computed ("–"):\n${lines.join("\n")}`] : [];
}

export function cupedText(experiment: ExperimentReport): string[] {
  const lines = experiment.comparisons
    .filter((c) => c.cuped)
    .map(
      (c) =>
        `  ${c.arm} · ${metricLabel(c.metric, c.statistic)}: variance ${f.percent(c.cuped?.varianceReduction ?? null, 1)} lower (θ = ${(c.cuped?.theta ?? 0).toPrecision(3)}, covariate: ${c.cuped?.covariate})`,
    );
  return lines.length > 0 ? [`CUPED (pre-exposure covariate):\n${lines.join("\n")}`] : [];
}

export function cappingText(experiment: ExperimentReport): string[] {
  return experiment.capping.map(
    (cap) =>
      `Revenue capped: ${cap.goal} per-visitor revenue above the ${Number((cap.percentile * 100).toPrecision(4))}th percentile, ${f.money(cap.cap, null)}, counts as ${f.money(cap.cap, null)} (${f.count(cap.capped)} visitor(s) capped).`,
  );
}

export function crossoverText(experiment: ExperimentReport): string {
  const balance = experiment.crossoverBalance;
  const how = balance.rule === "exclude" ? "were left out" : "are counted in the arm of their first exposure";
  const perArm = balance.arms.map((arm) => `${arm.id} ${f.count(arm.crossovers)}`).join(", ");
  const check =
    balance.p === null
      ? ""
      : ` Balance across arms: ${f.pPhrase(balance.p)}${balance.ok ? " ok" : " UNBALANCED"}.`;
  return `${f.count(experiment.crossovers)} visitor(s) saw more than one arm and ${how} (${perArm}).${check}`;
}

export function renderText(report: Report): string {
  const blocks: string[] = [];
  for (const warning of report.warnings) blocks.push(`warning: ${warning}`);
  if (report.experiments.length === 0) blocks.push("No exposures in the events read.");
  for (const experiment of report.experiments) {
    const currency = experiment.arms.find((arm) => arm.currency)?.currency ?? null;
    const parts = [header(experiment), armsTable(experiment.arms, experiment.metrics.primary)];
    if (experiment.comparisons.length > 0)
      parts.push(
        comparisonsTable(experiment.comparisons, currency, report.options.sequential, experiment.alpha),
      );
    parts.push(...notesText(experiment.comparisons), ...cupedText(experiment), ...cappingText(experiment));
    parts.push(...banditText(experiment.bandit));
    parts.push(
      `Verdict: ${experiment.verdict.status.replaceAll("-", " ").toUpperCase()} — ${experiment.verdict.text}`,
    );
    if (experiment.crossovers > 0) parts.push(crossoverText(experiment));
    for (const warning of experiment.warnings) parts.push(`warning: ${warning}`);
    parts.push(...breakdownText(experiment));
    blocks.push(parts.join("\n\n"));
  }
  return blocks.join(`\n\n${"=".repeat(40)}\n\n`);
}
