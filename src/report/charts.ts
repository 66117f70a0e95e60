/**
 * Inline SVG charts, drawn here so the HTML report needs no script and no network: the cumulative conversion
 * rate of each arm by day, a forest plot of every lift with its interval, and the split against the configured
 * shares. Built with the escape-by-default `html` template, so no label can carry markup into the report.
 */

import { type HtmlValue, html, type SafeHtml } from "../core/html/html.ts";
import * as f from "./format.ts";
import { metricLabel } from "./metrics.ts";
import type { Comparison, Daily, SrmReport } from "./model.ts";

export const PALETTE = [
  "#3b5bdb",
  "#e8590c",
  "#2b8a3e",
  "#ae3ec9",
  "#0c8599",
  "#c92a2a",
  "#5c940d",
  "#f08c00",
];
const WIDTH = 640;
const n = (value: number) => (Math.round(value * 10) / 10).toString();

function frame(kind: string, height: number, label: string, body: HtmlValue): SafeHtml {
  return html`<svg xmlns="http://www.w3.org/2000/svg" class="chart" data-chart="${kind}" viewBox="0 0 ${WIDTH} ${height}" width="${WIDTH}" height="${height}" role="img" aria-label="${label}"><title>${label}</title>${body}</svg>`;
}

/** A round number at or above `value`: 1, 2, 2.5 or 5 × 10ᵏ. */
function niceCeiling(value: number): number {
  if (!(value > 0)) return 1;
  const power = 10 ** Math.floor(Math.log10(value));
  const step = [1, 2, 2.5, 5, 10].find((m) => m * power >= value) ?? 10;
  return step * power;
}

/** Round tick values covering [low, high], about four steps apart. */
function niceTicks(low: number, high: number): number[] {
  const step = niceCeiling((high - low) / 4);
  const ticks: number[] = [];
  for (let tick = Math.ceil(low / step) * step; tick <= high + step * 1e-9; tick += step)
    ticks.push(Math.round(tick / step) * step);
  return ticks;
}

export function cumulativeChart(daily: Daily, colours: ReadonlyMap<string, string>): SafeHtml {
  const height = 280;
  const [left, right, top, bottom] = [64, 16, 16, 44];
  const plotW = WIDTH - left - right;
  const plotH = height - top - bottom;
  const days = daily.dates.length;
  const rates = daily.arms.flatMap((arm) => arm.rate.filter((rate): rate is number => rate !== null));
  const yMax = niceCeiling(Math.max(0, ...rates) * 1.1);
  const x = (day: number) => left + (days <= 1 ? plotW / 2 : (day / (days - 1)) * plotW);
  const y = (rate: number) => top + plotH - (rate / yMax) * plotH;
  const grid = [0, 1, 2, 3, 4].map((k) => {
    const value = (yMax * k) / 4;
    return html`<line class="grid" x1="${left}" x2="${WIDTH - right}" y1="${n(y(value))}" y2="${n(y(value))}"/><text class="tick" x="${left - 6}" y="${n(y(value) + 4)}" text-anchor="end">${f.percent(value, 1)}</text>`;
  });
  const labelDays = [...new Set([0, Math.floor((days - 1) / 2), days - 1])].filter((day) => day >= 0);
  const anchor = (day: number) =>
    days <= 1 ? "middle" : day === 0 ? "start" : day === days - 1 ? "end" : "middle";
  const xLabels = labelDays.map(
    (day) =>
      html`<text class="tick" x="${n(x(day))}" y="${height - bottom + 18}" text-anchor="${anchor(day)}">${daily.dates[day] ?? ""}</text>`,
  );
  const series = daily.arms.map((arm) => {
    const colour = colours.get(arm.id) ?? "#495057";
    const points = arm.rate.flatMap((rate, day) => (rate === null ? [] : [[x(day), y(rate)] as const]));
    const marks = (days <= 62 ? points : points.slice(-1)).map(
      ([px, py]) => html`<circle cx="${n(px)}" cy="${n(py)}" r="3" fill="${colour}"/>`,
    );
    const line = points.map(([px, py]) => `${n(px)},${n(py)}`).join(" ");
    return html`<g class="series" data-series="${arm.id}"><title>${arm.id}</title><polyline points="${line}" fill="none" stroke="${colour}" stroke-width="2"/>${marks}</g>`;
  });
  const axis = html`<text class="axis" x="${left}" y="${height - 6}">cumulative ${daily.metric} conversion rate by day (UTC)</text>`;
  return frame("cumulative", height, `Cumulative ${daily.metric} conversion rate per arm`, [
    grid,
    xLabels,
    series,
    axis,
  ]);
}

function liftDomain(comparisons: Comparison[]): [number, number] {
  const values = comparisons.flatMap((c) => [c.lift, ...c.ci, ...(c.sequential?.ci ?? [])]);
  const finite = values.filter((value): value is number => value !== null);
  const low = Math.max(-1, Math.min(0, ...finite));
  const high = Math.min(4, Math.max(0, ...finite));
  const pad = Math.max(0.01, (high - low) * 0.08);
  return [low - pad, high + pad];
}

export function forestPlot(
  comparisons: Comparison[],
  colours: ReadonlyMap<string, string>,
  alpha = 0.05,
): SafeHtml {
  const rowH = 30;
  const labelOf = (c: Comparison) => `${c.arm} · ${metricLabel(c.metric, c.statistic)}`;
  // Labels are right-aligned against the plot, so the margin must hold the longest one: at 12 px a character is
  // at most ~7 px wide in the system fonts. Past 45% of the chart a label is shortened (its full text is the tooltip).
  const maxLabelW = Math.round(WIDTH * 0.45);
  const longest = Math.max(0, ...comparisons.map((c) => labelOf(c).length));
  const labelW = Math.min(maxLabelW, Math.max(160, longest * 7 + 16));
  const maxChars = Math.floor((labelW - 16) / 7);
  const [right, top] = [20, 26];
  const height = top + rowH * comparisons.length + 34;
  const [low, high] = liftDomain(comparisons);
  const plotW = WIDTH - labelW - right;
  const x = (lift: number) => labelW + ((Math.min(high, Math.max(low, lift)) - low) / (high - low)) * plotW;
  const digits = high - low < 0.08 ? 1 : 0;
  const ticks = niceTicks(low, high).map(
    (value) =>
      html`<line class="grid" x1="${n(x(value))}" x2="${n(x(value))}" y1="${top - 8}" y2="${height - 28}"/><text class="tick" x="${n(x(value))}" y="${height - 12}" text-anchor="middle">${f.signedPercent(value, digits)}</text>`,
  );
  const rows = comparisons.map((c, i) => {
    const cy = top + rowH * i + rowH / 2;
    const colour = c.significant ? (colours.get(c.arm) ?? "#495057") : "#868e96";
    const full = labelOf(c);
    const shown = full.length > maxChars ? `${full.slice(0, maxChars - 1)}…` : full;
    const label = html`<text class="label${c.role === "primary" ? " primary" : ""}" x="${labelW - 10}" y="${n(cy + 4)}" text-anchor="end">${shown}</text>`;
    if (c.lift === null || c.ci[0] === null || c.ci[1] === null) {
      // No interval is drawn as a result: a lone dot would read as certainty.
      const why = c.note ? `no interval: ${c.note}` : "not computable yet";
      return html`<g class="row" data-row="${i}">${label}<text class="tick" x="${labelW + 4}" y="${n(cy + 4)}"><title>${why}</title>no interval (see the notes)</text></g>`;
    }
    const seq = c.sequential?.ci;
    const band =
      seq && seq[0] !== null && seq[1] !== null
        ? html`<line class="sequential" x1="${n(x(seq[0]))}" x2="${n(x(seq[1]))}" y1="${n(cy)}" y2="${n(cy)}" stroke="${colour}"/>`
        : "";
    const tip = `${c.arm}, ${metricLabel(c.metric, c.statistic)}: ${f.signedPercent(c.lift)} (${f.intervalLabel(alpha)} ${f.percentInterval(c.ci)}, ${f.pPhrase(c.pAdjusted, "adjusted p")})`;
    return html`<g class="row" data-row="${i}" data-arm="${c.arm}"><title>${tip}</title>${label}${band}<line x1="${n(x(c.ci[0]))}" x2="${n(x(c.ci[1]))}" y1="${n(cy)}" y2="${n(cy)}" stroke="${colour}" stroke-width="2.5"/><circle cx="${n(x(c.lift))}" cy="${n(cy)}" r="5" fill="${colour}"/></g>`;
  });
  const zero = html`<line class="zero" x1="${n(x(0))}" x2="${n(x(0))}" y1="${top - 8}" y2="${height - 28}"/>`;
  const heading = html`<text class="axis" x="${labelW}" y="14">relative lift against the baseline, ${f.intervalLabel(alpha).replace(" CI", "")} interval</text>`;
  return frame("forest", height, "Lift of each arm and metric with its interval", [
    heading,
    ticks,
    zero,
    rows,
  ]);
}

export function splitChart(srm: SrmReport, colours: ReadonlyMap<string, string>): SafeHtml {
  const rowH = 26;
  const [labelW, right, top] = [150, 70, 34];
  const height = top + rowH * srm.arms.length + 10;
  const plotW = WIDTH - labelW - right;
  const status =
    srm.ok === null
      ? `Split not checked: ${srm.note ?? ""}`
      : srm.ok
        ? `Split as configured (SRM ${f.pPhrase(srm.p)})`
        : `Sample ratio mismatch (${f.pPhrase(srm.p)}): ${srm.note ?? ""}`;
  const rows = srm.arms.map((arm, i) => {
    const y = top + rowH * i;
    const observed = arm.observedShare ?? 0;
    const expected =
      arm.expectedShare === null
        ? ""
        : html`<line class="expected" x1="${n(labelW + arm.expectedShare * plotW)}" x2="${n(labelW + arm.expectedShare * plotW)}" y1="${y + 1}" y2="${y + rowH - 5}"/>`;
    return html`<g class="row" data-arm="${arm.id}"><text class="label" x="${labelW - 10}" y="${y + 16}" text-anchor="end">${arm.id}</text><rect x="${labelW}" y="${y + 4}" width="${n(Math.max(1, observed * plotW))}" height="${rowH - 12}" fill="${colours.get(arm.id) ?? "#868e96"}"/>${expected}<text class="tick" x="${n(labelW + observed * plotW + 6)}" y="${y + 16}">${f.percent(arm.observedShare, 1)}</text></g>`;
  });
  const heading = html`<text class="status ${srm.ok === false ? "bad" : srm.ok ? "good" : ""}" x="10" y="18">${status}</text>`;
  return frame("split", height, "Visitors per arm against the configured split", [heading, rows]);
}
