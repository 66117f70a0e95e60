import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CHROMIUM_ARGS } from "../../src/cli/verify/browser.ts";
import { writeHeroRules } from "../support/report-fixtures.ts";
import { runCli } from "../support/run-cli.ts";
import { writeSimulation } from "../support/simulate-events.ts";

const CHROMIUM = "/usr/bin/chromium";
const hasBrowser = existsSync(CHROMIUM);
if (!hasBrowser) {
  if (process.env.CI === "true") throw new Error(`${CHROMIUM} is missing: CI must run the HTML report test`);
  console.warn(`SKIPPED: the HTML report browser test needs ${CHROMIUM} (apt-get install -y chromium)`);
}

let dir: string;
let html: string;
let htmlFile: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "stylist-html-"));
  // An experiment name with markup, to prove it is escaped; three arms and a holdout over ten days.
  const rules = writeHeroRules(dir, {
    name: `Hero <script>alert("x")</script> & "promise"`,
    holdout: 0.1,
    variants: [
      { id: "control", weight: 40 },
      { id: "promise", weight: 30, ops: [{ op: "setText", selector: "#hero h1", value: "Tomorrow" }] },
      { id: "price", weight: 30, ops: [{ op: "setText", selector: "#hero h1", value: "£5 off" }] },
    ],
  });
  const events = join(dir, "events.ndjson");
  await writeSimulation(events, {
    seed: 8,
    visitors: 30_000,
    days: 10,
    arms: [
      { id: "control", weight: 0.36, rate: 0.05, meanValue: 6000 },
      { id: "promise", weight: 0.27, rate: 0.06, meanValue: 6000 },
      { id: "price", weight: 0.27, rate: 0.05, meanValue: 5000 },
      { id: "holdout", weight: 0.1, rate: 0.05, meanValue: 6000 },
    ],
  });
  htmlFile = join(dir, "report.html");
  const result = await runCli([
    "report",
    "--events",
    events,
    "--dir",
    rules,
    "--sequential",
    "--by",
    "device",
    "--html",
    htmlFile,
  ]);
  expect(result.code, result.stderr).toBe(0);
  html = readFileSync(htmlFile, "utf8");
}, 180_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("stylist report --html", { timeout: 120_000 }, () => {
  it("writes one self-contained page: no script, no external resource, every string escaped", () => {
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toMatch(/(src|href)=["']?(https?:)?\/\//i);
    expect(html).toContain("Content-Security-Policy");
    expect(html).toContain(
      "Hero &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &quot;promise&quot;",
    );
  });

  (hasBrowser ? it : it.skip)(
    "renders its charts in headless Chromium without errors or requests",
    { timeout: 120_000 },
    async () => {
      const { chromium } = await import("playwright-core");
      const browser = await chromium.launch({
        executablePath: CHROMIUM,
        args: CHROMIUM_ARGS,
      });
      try {
        // A laptop's window: nothing of the report may be cut or need sideways scrolling at 1280 px.
        const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
        const problems: string[] = [];
        const requests: string[] = [];
        page.on("console", (message) => {
          if (message.type() === "error" || message.type() === "warning") problems.push(message.text());
        });
        page.on("pageerror", (error) => problems.push(error.message));
        page.on("request", (request) => requests.push(request.url()));
        const url = pathToFileURL(htmlFile).href;
        await page.goto(url, { waitUntil: "load" });

        const charts = await page.$$eval("svg.chart", (svgs) =>
          svgs.map((svg) => {
            const box = svg.getBoundingClientRect();
            return { kind: svg.getAttribute("data-chart"), width: box.width, height: box.height };
          }),
        );
        expect(charts.map((chart) => chart.kind)).toEqual(["cumulative", "forest", "split"]);
        for (const chart of charts) {
          expect(chart.width).toBeGreaterThan(100);
          expect(chart.height).toBeGreaterThan(50);
        }
        // One line per arm (control, promise, price, holdout), each drawn with a real extent.
        const series = await page.$$eval('svg[data-chart="cumulative"] [data-series]', (groups) =>
          groups.map((group) => {
            const box = (group as SVGGraphicsElement).getBBox();
            return { id: group.getAttribute("data-series"), width: box.width, height: box.height };
          }),
        );
        expect(series.map((s) => s.id)).toEqual(["control", "promise", "price", "holdout"]);
        for (const s of series) expect(s.width).toBeGreaterThan(100);
        // The forest plot: promise and price on purchase rate, revenue per visitor, AOV and the bounce guardrail.
        expect(await page.locator('svg[data-chart="forest"] [data-row]').count()).toBe(8);
        expect(await page.locator('svg[data-chart="split"] rect').count()).toBe(4);
        expect(await page.locator("h2").first().textContent()).toContain('Hero <script>alert("x")</script>');

        // Forest plot labels are right-aligned against the plot: each must start inside the chart.
        const labelStarts = await page.$$eval('svg[data-chart="forest"] text.label', (texts) =>
          texts.map((text) => (text as SVGGraphicsElement).getBBox().x),
        );
        expect(labelStarts).toHaveLength(8);
        for (const start of labelStarts) expect(start).toBeGreaterThanOrEqual(0);
        // Every table, the comparisons' included, fits its box without a clipped last column.
        const overflow = await page.$$eval("div.scroll", (boxes) =>
          boxes.map((box) => box.scrollWidth - box.clientWidth),
        );
        expect(overflow.length).toBeGreaterThan(0);
        for (const extra of overflow) expect(extra).toBeLessThanOrEqual(0);

        expect(problems).toEqual([]);
        expect(requests).toEqual([url]);
      } finally {
        await browser.close();
      }
    },
  );
});
