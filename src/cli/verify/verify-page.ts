import type { CompiledExperiment } from "../../core/decide/compile.ts";
import { isControl } from "../../core/decide/compile.ts";
import { NO_RENDER_DATA } from "../../core/page-view/render-data.ts";
import { opSelector } from "../../core/schema/ops.ts";
import { checkArm } from "./check-arm.ts";
import { decodeHtml } from "./decode.ts";
import { parseDocument } from "./dom.ts";
import { findHydrationRoots, hydratedRootOf } from "./hydration.ts";
import { holdsIn, type Probe, probesOf } from "./probes.ts";
import { type OriginPage, renderArm, rewriterRefuses } from "./render-arm.ts";
import type { ArmReport, OpReport, PageReport } from "./report.ts";

/** What the browser check needs of an arm besides its report: the served bytes and what to look for. */
export interface ArmForBrowser {
  report: ArmReport;
  bytes: Uint8Array;
  probes: Probe[];
}

/** Which selectors of the experiment lol-html refuses, each named by its place in the rules. */
async function refusals(compiled: CompiledExperiment, where: string): Promise<string[]> {
  const found: string[] = [];
  const { experiment } = compiled;
  if (experiment.target) {
    const refused = await rewriterRefuses(experiment.target);
    if (refused)
      found.push(`${where}.target "${experiment.target}": the worker's rewriter refuses it: ${refused}`);
  }
  for (const [v, variant] of experiment.variants.entries()) {
    for (const [o, op] of variant.ops.entries()) {
      const selector = opSelector(op);
      const refused = selector ? await rewriterRefuses(selector) : undefined;
      if (refused)
        found.push(
          `${where}.variants[${v}].ops[${o}].selector "${selector}": the worker's rewriter refuses it: ${refused}`,
        );
    }
  }
  return found;
}

/**
 * The parse check of every arm of one experiment on one fetched page. `where` locates the experiment for messages
 * (`rules/home.json: experiments[0]`).
 */
export async function verifyPage(
  page: OriginPage,
  compiled: CompiledExperiment,
  where: string,
): Promise<{ report: PageReport; arms: ArmForBrowser[] }> {
  const { experiment } = compiled;
  const origin = decodeHtml(page.bytes, page.contentType);
  const roots = findHydrationRoots(parseDocument(origin.text));
  const report: PageReport = {
    experiment: experiment.id,
    where,
    page: page.path,
    url: page.url,
    status: page.status,
    encoding: origin.encoding,
    hydration: roots.map(({ framework, marker, path }) => ({ framework, marker, path })),
    arms: [],
    ok: true,
  };
  const arms: ArmForBrowser[] = [];
  for (const [variantIndex, variant] of experiment.variants.entries()) {
    const at = `${where}.variants[${variantIndex}]`;
    const arm: ArmReport = {
      arm: variant.id,
      control: isControl(variant),
      rendered: false,
      byteIdentical: false,
      exposureLogged: false,
      faults: [],
      ops: [],
      unexplained: [],
      ok: true,
    };
    report.arms.push(arm);
    if (variant.ops.some((op) => op.op === "redirect")) {
      arm.skipped = "a split-URL redirect: the arm never renders this page";
      continue;
    }
    let rendered: Awaited<ReturnType<typeof renderArm>>;
    try {
      rendered = await renderArm(page, compiled, variant);
    } catch (error) {
      arm.faults.push(...(await refusals(compiled, where)));
      if (arm.faults.length === 0) arm.faults.push(`the rewriter failed: ${(error as Error).message}`);
      arm.ok = false;
      continue;
    }
    arm.rendered = true;
    arm.byteIdentical = Buffer.from(rendered.bytes).equals(Buffer.from(page.bytes));
    arm.exposureLogged = rendered.exposureLogged;
    arm.faults = rendered.faults;
    const served = decodeHtml(rendered.bytes, page.contentType);
    const check = checkArm(origin.text, served.text, variant.ops, NO_RENDER_DATA);
    const roots = findHydrationRoots(check.expected.tree);
    arm.ops = check.judgement.ops.map((verdict): OpReport => {
      const op = variant.ops[verdict.index] as (typeof variant.ops)[number];
      const entry = check.expected.ops[verdict.index];
      const hydrated = entry?.targets.map((target) => hydratedRootOf(target, roots)).find(Boolean);
      return {
        where: `${at}.ops[${verdict.index}]`,
        op: op.op,
        selector: opSelector(op) ?? null,
        status: verdict.status,
        targets: verdict.targets,
        hydratedBy: hydrated
          ? { framework: hydrated.framework, marker: hydrated.marker, path: hydrated.path }
          : null,
        problems: [
          ...(verdict.problem ? [verdict.problem] : []),
          ...verdict.differences.map((difference) => `${difference.path}: ${difference.message}`),
        ],
      };
    });
    arm.unexplained = check.judgement.unexplained.map(({ path, message, expected, actual }) => ({
      path,
      message,
      expected,
      actual,
    }));
    // The control arm promises the origin's bytes, not only the same document.
    arm.ok =
      (!arm.control || arm.byteIdentical) &&
      arm.faults.length === 0 &&
      arm.unexplained.length === 0 &&
      arm.ops.every((op) => op.status === "landed" || op.status === "no-match" || op.status === "unchanged");
    const probes = probesOf(check.expected).filter((probe) => holdsIn(check.served, probe));
    arms.push({ report: arm, bytes: rendered.bytes, probes });
  }
  report.ok = report.arms.every((arm) => arm.ok);
  return { report, arms };
}
