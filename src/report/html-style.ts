/** The HTML report's stylesheet, inlined so the page is one self-contained file. */
export const REPORT_CSS = `
:root { color-scheme: light; --ink: #212529; --muted: #6c757d; --line: #dee2e6; --good: #2b8a3e; --bad: #c92a2a; --warn: #e67700; }
* { box-sizing: border-box; }
body { margin: 0; font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--ink); background: #f8f9fa; }
main { max-width: 1280px; margin: 0 auto; padding: 24px; }
header h1 { margin: 0 0 4px; font-size: 24px; }
.meta { color: var(--muted); margin: 0 0 16px; }
section.experiment { background: #fff; border: 1px solid var(--line); border-radius: 10px; padding: 20px 24px; margin: 20px 0; }
section.experiment h2 { margin: 0; font-size: 20px; }
.verdict { border-left: 6px solid var(--muted); background: #f1f3f5; padding: 12px 16px; margin: 16px 0; border-radius: 4px; }
.verdict strong { text-transform: uppercase; letter-spacing: .03em; }
.verdict.winner { border-color: var(--good); background: #ebfbee; }
.verdict.loser, .verdict.sample-ratio-mismatch { border-color: var(--bad); background: #fff5f5; }
.verdict.too-early { border-color: var(--warn); background: #fff9db; }
.charts { display: grid; grid-template-columns: repeat(auto-fit, minmax(600px, 1fr)); gap: 20px 28px; }
figure { margin: 0; min-width: 0; }
figcaption { color: var(--muted); font-size: 13px; margin-top: 4px; }
svg.chart { max-width: 100%; height: auto; background: #fff; }
svg .grid { stroke: #e9ecef; }
svg .zero { stroke: #495057; stroke-dasharray: 4 3; }
svg .expected { stroke: #212529; stroke-width: 2.5; }
svg .sequential { stroke-width: 9; stroke-opacity: .22; stroke-linecap: round; }
svg text { font: 12px system-ui, sans-serif; fill: #495057; }
svg .label { fill: #212529; }
svg .primary { font-weight: 700; }
svg .axis { fill: #6c757d; }
svg .status { font-weight: 600; }
svg .status.good { fill: var(--good); }
svg .status.bad { fill: var(--bad); }
table { border-collapse: collapse; width: 100%; margin: 12px 0; font-size: 14px; font-variant-numeric: tabular-nums; }
th, td { text-align: right; padding: 4px 6px; border-bottom: 1px solid var(--line); white-space: nowrap; }
th.text, td.text { text-align: left; }
/* Headers and names may wrap; figures never do. So the widest table fits a 1280 px window without scrolling. */
th, td.text { white-space: normal; }
tr.significant td { font-weight: 600; }
.swatch { display: inline-block; width: 10px; height: 10px; border-radius: 2px; margin-right: 6px; }
.legend { list-style: none; padding: 0; margin: 4px 0 0; display: flex; gap: 14px; flex-wrap: wrap; font-size: 13px; }
.warning { color: var(--warn); }
.exploratory { border-top: 1px dashed var(--line); margin-top: 16px; padding-top: 8px; }
.scroll { overflow-x: auto; }
footer { color: var(--muted); font-size: 13px; }
`;
