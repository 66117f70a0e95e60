import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { defineCommand } from "citty";
import { backendArgs } from "../backend.ts";
import { CLIError, EXIT } from "../errors.ts";
import { rulesDirArg } from "../load-rules.ts";
import { localOrigin } from "../local-ports.ts";
import { printJson } from "../output.ts";
import { readProjectConfig } from "../project.ts";
import { repeatedFlag } from "../repeated.ts";
import { findChromium, launchChromium, loadArm } from "../verify/browser.ts";
import { loadExperiments } from "../verify/load-experiments.ts";
import { pagesToVerify } from "../verify/pages.ts";
import { fetchOriginPage, type OriginPage } from "../verify/render-arm.ts";
import type { PageReport, VerifyReport } from "../verify/report.ts";
import { screenshotsPage } from "../verify/screenshots.ts";
import { printReport } from "../verify/text.ts";
import { type ArmForBrowser, verifyPage } from "../verify/verify-page.ts";

async function fetchPage(origin: string, path: string): Promise<OriginPage> {
  try {
    return await fetchOriginPage(origin, path);
  } catch (error) {
    throw new CLIError(
      `could not fetch ${new URL(path, origin)} (${(error as Error).message}); is the origin running? Use --origin`,
      EXIT.unreachable,
    );
  }
}

/** An arm fails in the browser when a change is gone after hydration, or it brings hydration errors the control lacks. */
function judgeInBrowser(page: PageReport): void {
  const control = page.arms.find((arm) => arm.control)?.browser;
  for (const arm of page.arms) {
    if (arm.browser?.loadError) arm.ok = false;
    if (!arm.browser || arm.control) continue;
    const own = arm.browser.hydrationErrors.filter((error) => !control?.hydrationErrors.includes(error));
    if (arm.browser.reverted.length > 0 || own.length > 0) arm.ok = false;
  }
  page.ok = page.arms.every((arm) => arm.ok);
}

export default defineCommand({
  meta: {
    name: "verify",
    description:
      "Render every arm of every experiment on its pages through the worker's rewriter, check each change landed where a browser would have it, then load each arm in Chromium",
  },
  args: {
    rules: {
      type: "string",
      description: "files (the rule files, default) or active (the active version)",
      default: "files",
    },
    ...rulesDirArg,
    origin: {
      type: "string",
      description: "Origin to fetch pages from (default: ORIGIN_URL in wrangler.toml)",
    },
    page: {
      type: "string",
      description: "An example path for wildcard page patterns, e.g. /products/boot (repeatable)",
    },
    experiment: { type: "string", description: "Only this experiment (repeatable)" },
    browser: {
      type: "boolean",
      description: "Load each arm in Chromium (default: when Chromium is found; --no-browser to skip)",
    },
    chromium: {
      type: "string",
      description: "Chromium executable (default: STYLIST_CHROMIUM, then /usr/bin/chromium)",
    },
    html: {
      type: "string",
      description: "Where to write the screenshots page",
      default: ".tmp/stylist-verify.html",
    },
    json: { type: "boolean", description: "Print the report as JSON" },
    ...backendArgs,
  },
  async run({ args, rawArgs }) {
    const project = await readProjectConfig(args.config);
    // ORIGIN_PORT moves a local origin, as npm start and simulate read it.
    const origin = args.origin ?? localOrigin(project.originUrl);
    if (!origin)
      throw new CLIError("no origin: pass --origin or set ORIGIN_URL in wrangler.toml", EXIT.invalid);
    const { experiments, label } = await loadExperiments(args.rules, args.dir, args);
    const only = repeatedFlag(rawArgs, "experiment");
    for (const id of only) {
      if (!experiments.some((entry) => entry.compiled.experiment.id === id))
        throw new CLIError(`--experiment ${id}: no such experiment in ${label}`, EXIT.invalid);
    }
    const chosen =
      only.length > 0 ? experiments.filter((e) => only.includes(e.compiled.experiment.id)) : experiments;
    const examples = repeatedFlag(rawArgs, "page");
    const report: VerifyReport = {
      ok: true,
      origin,
      rules: label,
      pages: [],
      notVerified: [],
      browser: { used: false, reason: "", screenshots: null },
    };
    const fetched = new Map<string, OriginPage>();
    const forBrowser = new Map<PageReport, ArmForBrowser[]>();
    for (const { compiled, where } of chosen) {
      const { paths, unexampled } = pagesToVerify(compiled.experiment, examples);
      for (const pattern of unexampled) {
        report.notVerified.push({
          experiment: compiled.experiment.id,
          where,
          reason: `page pattern ${pattern} has no example path: pass --page with one it matches`,
        });
      }
      for (const path of paths) {
        let page = fetched.get(path);
        if (!page) {
          page = await fetchPage(origin, path);
          fetched.set(path, page);
        }
        if (page.status !== 200 || !/html/i.test(page.contentType ?? "")) {
          report.pages.push({
            experiment: compiled.experiment.id,
            where,
            page: path,
            url: page.url,
            status: page.status,
            error: `the origin answered ${page.status} ${page.contentType ?? "(no content type)"}, not an HTML page`,
            hydration: [],
            arms: [],
            ok: false,
          });
          continue;
        }
        const verified = await verifyPage(page, compiled, where);
        report.pages.push(verified.report);
        forBrowser.set(verified.report, verified.arms);
      }
    }

    const chromium = args.browser === false ? undefined : findChromium(args.chromium);
    if (args.browser === true && !chromium) {
      throw new CLIError(
        "--browser needs Chromium: install it (apt-get install chromium) or pass --chromium PATH",
        EXIT.invalid,
      );
    }
    if (!chromium) {
      report.browser.reason =
        args.browser === false ? "--no-browser" : "no Chromium found (--chromium PATH or STYLIST_CHROMIUM)";
    } else if (forBrowser.size > 0) {
      const browser = await launchChromium(chromium);
      try {
        for (const [page, arms] of forBrowser) {
          const origin = fetched.get(page.page) as OriginPage;
          const focus = arms.find((arm) => !arm.report.control)?.probes[0]?.path;
          for (const arm of arms) {
            arm.report.browser = await loadArm(browser, {
              url: origin.url,
              status: origin.status,
              contentType: origin.contentType,
              bytes: arm.bytes,
              probes: arm.probes,
              focus,
              opWhere: (index) => arm.report.ops[index]?.where ?? `ops[${index}]`,
            });
          }
          judgeInBrowser(page);
        }
      } finally {
        await browser.close();
      }
      const file = resolve(args.html);
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(file, screenshotsPage(report.pages, new Date()));
      for (const page of report.pages) for (const arm of page.arms) delete arm.browser?.screenshot;
      report.browser = { used: true, reason: chromium, screenshots: file };
    } else report.browser.reason = "no page to load";

    report.ok = report.pages.every((page) => page.ok);
    if (args.json) printJson(report);
    else printReport(report);
    if (!report.ok) throw new CLIError(args.json ? "" : "verify failed: see above", EXIT.failed);
  },
});
