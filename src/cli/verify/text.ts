import type { ArmReport, OpReport, PageReport, VerifyReport } from "./report.ts";

const STATUS_WORDS: Record<OpReport["status"], string> = {
  landed: "landed where a browser would have it",
  "no-match": "matches nothing in the page (a browser's querySelectorAll finds no element)",
  unchanged:
    "changes nothing here for an anonymous visitor (a product list with nothing to show, a class already there)",
  misplaced: "did not land where a browser would have it",
  refused: "could not be applied",
};

function opLine(op: OpReport): string {
  const target = op.selector ? ` "${op.selector}"` : "";
  return `${op.where}: ${op.op}${target} ${STATUS_WORDS[op.status]}`;
}

function armLines(arm: ArmReport, controlShift: number | undefined): string[] {
  const lines: string[] = [];
  const name = arm.control && arm.arm !== "control" ? `${arm.arm} (control)` : arm.arm;
  if (arm.skipped) return [`  ${name}: not rendered: ${arm.skipped}`];
  const landed = arm.ops.filter((op) => op.status === "landed").length;
  const summary = !arm.rendered
    ? "not rendered: the worker would serve the origin page to everyone on it"
    : arm.control
      ? arm.byteIdentical
        ? "byte-identical to the origin"
        : arm.unexplained.length === 0
          ? "same document as the origin (bytes differ)"
          : "CHANGED the page"
      : `${landed}/${arm.ops.length} op(s) landed`;
  lines.push(
    `  ${arm.ok ? "ok  " : "FAIL"} ${name}: ${summary}; an exposure ${arm.exposureLogged ? "would" : "would not"} be logged`,
  );
  for (const fault of arm.faults) lines.push(`       fault: ${fault}`);
  for (const op of arm.ops) {
    if (op.status !== "landed") {
      const advice = op.status === "no-match" || op.status === "unchanged";
      lines.push(`       ${advice ? "warning" : "error"}: ${opLine(op)}`);
      for (const problem of op.problems) lines.push(`         ${problem}`);
    }
    if (op.hydratedBy) {
      lines.push(
        `       warning: ${op.where}: ${op.op} edits a subtree hydrated by ${op.hydratedBy.framework} (${op.hydratedBy.marker} at ${op.hydratedBy.path}): the page's scripts may put the origin's markup back`,
      );
    }
  }
  for (const change of arm.unexplained) {
    lines.push(`       error: a change no op asked for at ${change.path}: ${change.message}`);
    if (change.expected || change.actual)
      lines.push(`         expected ${change.expected}`, `         served   ${change.actual}`);
  }
  const browser = arm.browser;
  if (browser?.loadError) lines.push(`       error: Chromium could not load the arm: ${browser.loadError}`);
  else if (browser) {
    const kept = browser.reverted.length === 0;
    lines.push(
      `       browser: ${
        arm.control
          ? "loaded"
          : browser.checked === 0
            ? "no change of this arm reached the served page, so none to look for"
            : kept
              ? `all ${browser.checked} change(s) still in the DOM after the page's scripts ran`
              : `${browser.reverted.length} of ${browser.checked} change(s) REVERTED by the page's scripts`
      }; layout shift ${browser.layoutShift.toFixed(4)}${
        !arm.control && controlShift !== undefined ? ` (control ${controlShift.toFixed(4)})` : ""
      }`,
    );
    for (const revert of browser.reverted) {
      lines.push(
        `       error: ${revert.where}: after the page's scripts ran, ${revert.path} shows "${revert.got}" instead of "${revert.expected}"`,
      );
    }
    for (const error of browser.hydrationErrors) lines.push(`       hydration error: ${error}`);
    for (const error of browser.consoleErrors) lines.push(`       console: ${error}`);
  }
  return lines;
}

function pageLines(page: PageReport): string[] {
  const head = `${page.ok ? "ok  " : "FAIL"} ${page.experiment} on ${page.page} (${page.where})${page.encoding ? `, ${page.encoding}` : ""}`;
  if (page.error) return [head, `  error: ${page.error}`];
  const lines = [head];
  for (const root of page.hydration)
    lines.push(`  hydrated: ${root.framework} (${root.marker}) at ${root.path}`);
  const controlShift = page.arms.find((arm) => arm.control)?.browser?.layoutShift;
  for (const arm of page.arms) lines.push(...armLines(arm, controlShift));
  return lines;
}

export function printReport(report: VerifyReport): void {
  console.log(`verify: rules ${report.rules} against ${report.origin}\n`);
  for (const page of report.pages) console.log(`${pageLines(page).join("\n")}\n`);
  for (const skipped of report.notVerified)
    console.log(`not verified: ${skipped.where} (${skipped.experiment}): ${skipped.reason}`);
  console.log(
    report.browser.used
      ? `screenshots of every arm: ${report.browser.screenshots}`
      : `browser check skipped: ${report.browser.reason}`,
  );
  const arms = report.pages.flatMap((page) => page.arms);
  const failed = report.pages.filter((page) => !page.ok).length;
  console.log(
    `${report.pages.length} page(s), ${arms.length} arm(s): ${failed === 0 ? "all verified" : `${failed} page(s) failed`}`,
  );
}
