import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Storefront, startStorefront } from "../../demo/storefront/server.ts";
import type { VerifyReport } from "../../src/cli/verify/report.ts";
import { runCli } from "../support/run-cli.ts";

const CHROMIUM = "/usr/bin/chromium";
const hasBrowser = existsSync(CHROMIUM);
if (!hasBrowser) {
  if (process.env.CI === "true")
    throw new Error(`${CHROMIUM} is missing: CI must run verify's browser check`);
  console.warn(`SKIPPED: verify's browser check needs ${CHROMIUM} (apt-get install -y chromium)`);
}

const experiment = (id: string, pages: string[], ops: unknown[]) => ({
  id,
  hypothesis: "A change worth verifying before it reaches a single visitor",
  status: "draft",
  pages,
  variants: [
    { id: "control", weight: 50 },
    { id: "change", weight: 50, ops },
  ],
  metrics: { primary: "purchase" },
});

let dir: string;
let rules: string;
let storefront: Storefront;

beforeAll(async () => {
  storefront = await startStorefront({ port: 0 });
  dir = mkdtempSync(join(tmpdir(), "stylist-verify-"));
  rules = join(dir, "rules");
  mkdirSync(rules);
  writeFileSync(
    join(rules, "home.json"),
    JSON.stringify({
      experiments: [
        experiment(
          "hero",
          ["/"],
          [
            { op: "setText", selector: "#hero h1", value: "Fell-tested kit, at your door tomorrow" },
            { op: "addClass", selector: "#hero .cta", value: "cta--promise" },
            { op: "addStyle", css: ".cta--promise { outline: 3px solid gold; }" },
          ],
        ),
        experiment("gone", ["/"], [{ op: "setText", selector: "#no-such-thing", value: "x" }]),
        experiment(
          "pdp",
          ["/products/*"],
          [{ op: "insertAfter", selector: "#add-to-basket", html: "<p>Free returns</p>" }],
        ),
      ],
    }),
  );
  writeFileSync(
    join(rules, "lab.json"),
    JSON.stringify({
      experiments: [
        experiment(
          "island",
          ["/lab/island"],
          [{ op: "setText", selector: "#stock-island .stock-line", value: "Only 3 left" }],
        ),
        experiment(
          "outside-island",
          ["/lab/island"],
          [{ op: "setText", selector: ".lab-outro", value: "Plain HTML keeps edits" }],
        ),
        experiment("missing-page", ["/lab/nowhere"], [{ op: "remove", selector: "p" }]),
        experiment(
          "legacy",
          ["/lab/legacy"],
          [
            { op: "setText", selector: "#shop", value: "Livraison express à £4.95, dès demain." },
            { op: "addClass", selector: "#delivery", value: "promo" },
          ],
        ),
      ],
    }),
  );
}, 30_000);
afterAll(async () => {
  await storefront.close();
  rmSync(dir, { recursive: true, force: true });
});

// Loading arms in Chromium on a busy two-core machine can take minutes: the CLI gets as long as the test.
const verify = (args: string[]) =>
  runCli(["verify", "--dir", rules, "--origin", storefront.url, ...args], { STYLIST_CHROMIUM: "" }, 170_000);

function pageOf(report: VerifyReport, experimentId: string) {
  const page = report.pages.find((entry) => entry.experiment === experimentId);
  if (!page) throw new Error(`no page verified for ${experimentId}`);
  return page;
}

describe("stylist verify (parse check) against a local origin", { timeout: 180_000 }, () => {
  let report: VerifyReport;
  let code: number;

  beforeAll(async () => {
    const result = await verify([
      "--no-browser",
      "--json",
      "--page",
      "/products/skarn-fellrunner-6",
      "--experiment",
      "hero",
      "--experiment",
      "gone",
      "--experiment",
      "pdp",
      "--experiment",
      "missing-page",
      "--experiment",
      "legacy",
    ]);
    code = result.code;
    report = JSON.parse(result.stdout) as VerifyReport;
  }, 180_000);

  it("reports every op of a correct variant as landed where a browser has it, and the control byte-identical", () => {
    const hero = pageOf(report, "hero");
    expect(hero.ok).toBe(true);
    const [control, change] = hero.arms;
    expect(control).toMatchObject({
      arm: "control",
      control: true,
      byteIdentical: true,
      unexplained: [],
      ok: true,
    });
    expect(change?.ops.map((op) => [op.where, op.status])).toEqual([
      [`${join(rules, "home.json")}: experiments[0].variants[1].ops[0]`, "landed"],
      [`${join(rules, "home.json")}: experiments[0].variants[1].ops[1]`, "landed"],
      [`${join(rules, "home.json")}: experiments[0].variants[1].ops[2]`, "landed"],
    ]);
    expect(change).toMatchObject({ byteIdentical: false, exposureLogged: true, unexplained: [], ok: true });
  });

  it("renders the windows-1252 page (charset only in <meta>) as the worker does: its ops land, text intact", () => {
    const legacy = pageOf(report, "legacy");
    expect(legacy.encoding).toBe("windows-1252");
    expect(legacy.arms[1]?.ops.map((op) => [op.op, op.status, op.problems])).toEqual([
      ["setText", "landed", []],
      ["addClass", "landed", []],
    ]);
    expect(legacy.arms[1]).toMatchObject({ unexplained: [], faults: [], exposureLogged: true, ok: true });
    expect(legacy.arms[0]).toMatchObject({ byteIdentical: true, ok: true });
  });

  it("verifies a wildcard pattern on the --page example it matches", () => {
    const pdp = pageOf(report, "pdp");
    expect(pdp.page).toBe("/products/skarn-fellrunner-6");
    expect(pdp.arms[1]?.ops[0]?.status).toBe("landed");
  });

  it("warns about a selector that matches nothing, without failing the arm", () => {
    const gone = pageOf(report, "gone");
    expect(gone.arms[1]?.ops[0]).toMatchObject({ status: "no-match", targets: 0 });
    expect(gone.ok).toBe(true);
  });

  it("fails, naming the experiment's file and path, when a page of the rules is not an HTML page at the origin", () => {
    const missing = pageOf(report, "missing-page");
    expect(missing).toMatchObject({
      ok: false,
      status: 404,
      where: `${join(rules, "lab.json")}: experiments[2]`,
    });
    expect(report.ok).toBe(false);
    expect(code).toBe(1);
  });

  it("exits 0 when every arm verifies, and says where a wildcard pattern had no example", async () => {
    const result = await verify(["--no-browser", "--experiment", "hero", "--experiment", "pdp"]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain("not verified:");
    expect(result.stdout).toContain("page pattern /products/* has no example path");
    expect(result.stdout).toContain("browser check skipped: --no-browser");
  });

  it("exits 3 naming the URL when the origin cannot be reached", async () => {
    const result = await runCli(
      ["verify", "--dir", rules, "--origin", "http://127.0.0.1:9", "--no-browser"],
      {},
      170_000,
    );
    expect(result.code).toBe(3);
    expect(result.stderr).toContain("could not fetch http://127.0.0.1:9/");
  });
});

describe("stylist verify --browser: the page's own scripts", () => {
  (hasBrowser ? it : it.skip)(
    "catches a change that the page's island reverts while hydrating, and the hydration error, while a change outside the island or on the windows-1252 page stays",
    { timeout: 180_000 },
    async () => {
      const screenshots = join(dir, "shots.html");
      const result = await verify([
        "--browser",
        "--chromium",
        CHROMIUM,
        "--json",
        "--html",
        screenshots,
        "--experiment",
        "island",
        "--experiment",
        "outside-island",
        "--experiment",
        "legacy",
      ]);
      expect(result.code, result.stderr).toBe(1);
      const report = JSON.parse(result.stdout) as VerifyReport;
      expect(report.browser).toMatchObject({ used: true, screenshots });

      const island = pageOf(report, "island");
      expect(island.hydration).toEqual([
        { framework: "Island", marker: "[data-island]", path: "#stock-island" },
      ]);
      const [control, change] = island.arms;
      // The edge did its part: the served bytes carry the change, exactly where a browser parses it.
      expect(change?.ops[0]).toMatchObject({ status: "landed", hydratedBy: { path: "#stock-island" } });
      // Then the page's script put its own render back.
      expect(change?.browser?.reverted).toEqual([
        expect.objectContaining({
          where: `${join(rules, "lab.json")}: experiments[0].variants[1].ops[0]`,
          expected: "Only 3 left",
          got: "12 left in your size",
        }),
      ]);
      expect(change?.browser?.hydrationErrors).toEqual([expect.stringContaining("Hydration failed")]);
      expect(change?.ok).toBe(false);
      expect(control?.browser).toMatchObject({ reverted: [], hydrationErrors: [] });
      expect(control?.ok).toBe(true);

      const outside = pageOf(report, "outside-island");
      expect(outside.ok).toBe(true);
      expect(outside.arms[1]?.browser).toMatchObject({ checked: 1, reverted: [], hydrationErrors: [] });
      expect(outside.arms[1]?.browser?.layoutShift).toBeGreaterThanOrEqual(0);

      // The windows-1252 page as Chromium reads it: the inserted text and class are in its DOM.
      const legacy = pageOf(report, "legacy");
      expect(legacy.ok).toBe(true);
      expect(legacy.arms[1]?.browser).toMatchObject({ reverted: [], hydrationErrors: [] });
      expect(legacy.arms[1]?.browser?.checked).toBeGreaterThanOrEqual(2);

      const html = readFileSync(screenshots, "utf8");
      expect(html.match(/<img /g)).toHaveLength(6);
      expect(html).toContain("change(s) reverted by the page&#39;s scripts");
      expect(html).not.toMatch(/<script/i);
    },
  );
});
