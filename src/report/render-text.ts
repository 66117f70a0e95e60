/** The report for a terminal: per experiment a header, the arms, the comparisons and the verdict in words. */

import { textTable } from "../format/text-table.ts";
import { armCells, comparisonCells, statisticValue } from "./arm-figures.ts";
import * as f from "./format.ts";
import type { ArmReport, Comparison, ExperimentReport, Report } from "./model.ts";

function armsTable(arms: ArmReport[], primary: string): string {
  return textTable(
    ["arm", "role", "visitors", `${primary} conv.`, "rate", "orders", "revenue", "per visitor", "AOV"],
    arms.map(armCells),
  );
}

function comparisonsTable(comparisons: Comparison[], currency: string | null, sequential: boolean): string {
  return textTable(
    [
      "arm",
      "metric",
      "role",
      "baseline",
      "arm value",
      "lift",
      "95% CI",
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
  if (!breakdown) return [];
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
      ];
    }),
  );
  return [
    `By ${breakdown.by}, EXPLORATORY. ${breakdown.note}`,
    textTable([breakdown.by, "arm", "visitors", `${primary} rate`, "lift", "95% CI", "p (raw)"], rows),
  ];
}

export function renderText(report: Report): string {
  const blocks: string[] = [];
  for (const warning of report.warnings) blocks.push(`warning: ${warning}`);
  if (report.experiments.length === 0) blocks.push("No exposures in the events read.");
  for (const experiment of report.experiments) {
    const currency = experiment.arms.find((arm) => arm.currency)?.currency ?? null;
    const parts = [header(experiment), armsTable(experiment.arms, experiment.metrics.primary)];
    if (experiment.comparisons.length > 0)
      parts.push(comparisonsTable(experiment.comparisons, currency, report.options.sequential));
    parts.push(
      `Verdict: ${experiment.verdict.status.replaceAll("-", " ").toUpperCase()} — ${experiment.verdict.text}`,
    );
    if (experiment.crossovers > 0)
      parts.push(`${f.count(experiment.crossovers)} visitor(s) saw more than one arm and were left out.`);
    for (const warning of experiment.warnings) parts.push(`warning: ${warning}`);
    parts.push(...breakdownText(experiment));
    blocks.push(parts.join("\n\n"));
  }
  return blocks.join(`\n\n${"=".repeat(40)}\n\n`);
}
