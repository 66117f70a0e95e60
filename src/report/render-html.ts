/**
 * The report as one self-contained HTML page: inline CSS, server-drawn inline SVG, no script, no external
 * resource (a Content-Security-Policy forbids any), every string escaped.
 */

import { html, raw, type SafeHtml } from "../core/html/html.ts";
import { armCells, breakdownTable, comparisonCells } from "./arm-figures.ts";
import { cumulativeChart, forestPlot, PALETTE, splitChart } from "./charts.ts";
import * as f from "./format.ts";
import { REPORT_CSS } from "./html-style.ts";
import type { ArmReport, Comparison, ExperimentReport, Report } from "./model.ts";
import { banditTables } from "./render-bandit.ts";
import { cappingText, crossoverText, cupedText, notesText } from "./render-text.ts";

const CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:";

/** A table whose first `textColumns` columns are words (left-aligned) and the rest figures. */
function tableHtml(
  headers: string[],
  rows: string[][],
  textColumns: number,
  rowClass: (i: number) => string = () => "",
): SafeHtml {
  const cls = (i: number) => i < textColumns && raw(' class="text"');
  const head = headers.map((h, i) => html`<th${cls(i)}>${h}</th>`);
  const body = rows.map(
    (row, i) =>
      html`<tr class="${rowClass(i)}">${row.map((cell, c) => html`<td${cls(c)}>${cell}</td>`)}</tr>`,
  );
  return html`<div class="scroll"><table><thead><tr>${head}</tr></thead><tbody>${body}</tbody></table></div>`;
}

function armsTable(arms: ArmReport[], primary: string): SafeHtml {
  return tableHtml(
    ["Arm", "Role", "Visitors", `${primary} conversions`, "Rate", "Orders", "Revenue", "Per visitor", "AOV"],
    arms.map(armCells),
    2,
  );
}

function comparisonsTable(
  comparisons: Comparison[],
  currency: string | null,
  sequential: boolean,
  alpha: number,
): SafeHtml {
  return tableHtml(
    [
      "Arm",
      "Metric",
      "Role",
      "Baseline",
      "Arm",
      "Lift",
      f.intervalLabel(alpha),
      ...(sequential ? ["Always-valid CI"] : []),
      "p",
      "p (Holm)",
      "Chance to beat",
    ],
    comparisons.map((c) => comparisonCells(c, currency, sequential)),
    3,
    (i) => (comparisons[i]?.significant ? "significant" : ""),
  );
}

function breakdownHtml(experiment: ExperimentReport): SafeHtml | undefined {
  const breakdown = experiment.breakdown;
  const figures = breakdownTable(experiment);
  if (!breakdown || !figures) return undefined;
  const table = tableHtml(figures.headers, figures.rows, 2);
  return html`<div class="exploratory"><h3>By ${breakdown.by} — exploratory</h3><p class="meta">${breakdown.note}</p>${table}</div>`;
}

function banditHtml(experiment: ExperimentReport): SafeHtml | undefined {
  if (!experiment.bandit) return undefined;
  const { title, tables, note } = banditTables(experiment.bandit);
  return html`<div class="bandit"><h3>${title}</h3>${tables.map((table) => tableHtml(table.headers, table.rows, 2))}<p class="meta">${note}</p></div>`;
}

function legend(colours: ReadonlyMap<string, string>): SafeHtml {
  const items = [...colours].map(
    ([id, colour]) => html`<li><span class="swatch" style="background:${colour}"></span>${id}</li>`,
  );
  return html`<ul class="legend">${items}</ul>`;
}

function experimentHtml(experiment: ExperimentReport, sequential: boolean): SafeHtml {
  const colours = new Map(experiment.arms.map((arm, i) => [arm.id, PALETTE[i % PALETTE.length] as string]));
  const currency = experiment.arms.find((arm) => arm.currency)?.currency ?? null;
  const facts = [
    `phase ${experiment.phase}`,
    experiment.kind,
    experiment.status ?? "",
    experiment.since ? `since ${experiment.since.slice(0, 10)} (${experiment.sinceSource})` : "",
    `${f.days(experiment.days)} days`,
    experiment.baseline ? `baseline: ${experiment.baseline}` : "",
    experiment.crossovers > 0 ? crossoverText(experiment) : "",
  ].filter(Boolean);
  const charts = [
    experiment.daily.dates.length > 0
      ? html`<figure>${cumulativeChart(experiment.daily, colours)}${legend(colours)}<figcaption>Cumulative conversion rate on ${experiment.metrics.primary}: lines that settle and stay apart suggest a real difference; early days swing widely.</figcaption></figure>`
      : undefined,
    experiment.comparisons.length > 0
      ? html`<figure>${forestPlot(experiment.comparisons, colours, experiment.alpha)}<figcaption>Dot: the observed lift; line: its ${f.intervalLabel(experiment.alpha).replace(" CI", "")} interval${sequential && "; pale band: the always-valid interval"}. Grey rows are not significant after Holm's adjustment; intervals crossing the dashed zero line are consistent with no effect.</figcaption></figure>`
      : undefined,
    html`<figure>${splitChart(experiment.srm, colours)}<figcaption>Bars: each arm's share of visitors; black tick: the configured share.</figcaption></figure>`,
  ];
  const warnings = experiment.warnings.map((w) => html`<p class="warning">${w}</p>`);
  const status = experiment.verdict.status;
  const comparisons =
    experiment.comparisons.length > 0 &&
    html`<h3>Comparisons</h3>${comparisonsTable(experiment.comparisons, currency, sequential, experiment.alpha)}`;
  const notes = [
    ...notesText(experiment.comparisons),
    ...cupedText(experiment),
    ...cappingText(experiment),
  ].map((note) => html`<pre class="meta">${note}</pre>`);
  return html`<section class="experiment" id="${`experiment-${experiment.id}`}"><h2>${experiment.id}${experiment.name && html` — ${experiment.name}`}</h2><p class="meta">${facts.join(" · ")}</p><div class="verdict ${status}"><strong>${status.replaceAll("-", " ")}</strong> — ${experiment.verdict.text}</div>${warnings}<div class="charts">${charts}</div><h3>Arms</h3>${armsTable(experiment.arms, experiment.metrics.primary)}${comparisons}${notes}${banditHtml(experiment)}${breakdownHtml(experiment)}</section>`;
}

export function renderHtml(report: Report): string {
  const source =
    report.source.events === "file"
      ? `events from ${report.source.file ?? "a file"}`
      : `events from the ${report.source.backend ?? ""} sink`;
  const rules =
    report.source.rules === "active" ? `active rules v${report.source.rulesVersion ?? "?"}` : "rule files";
  const meta = [
    `generated ${report.generatedAt}`,
    report.asOf ? `data up to ${report.asOf}` : "",
    source,
    rules,
  ]
    .filter(Boolean)
    .join(" · ");
  const warnings = report.warnings.map((w) => html`<p class="warning">${w}</p>`);
  const body =
    report.experiments.length > 0
      ? report.experiments.map((experiment) => experimentHtml(experiment, report.options.sequential))
      : html`<p>No exposures in the events read.</p>`;
  return html`<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${raw(CSP)}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Stylist report</title><style>${raw(REPORT_CSS)}</style></head>
<body><main><header><h1>Stylist experiment report</h1><p class="meta">${meta}</p></header>${warnings}${body}
<footer><p>Unit: the visitor. Rates: two-proportion z-test; revenue per visitor: Welch's t; average order value: delta method. Lifts are relative with delta-method intervals; p (Holm) is adjusted across arms per metric. See docs/report.md.</p></footer>
</main></body></html>
`.markup;
}
