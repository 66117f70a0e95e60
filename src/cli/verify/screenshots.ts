import { escapeHtml } from "../../core/html/escape.ts";
import type { ArmReport, PageReport } from "./report.ts";

function armVerdict(arm: ArmReport): string {
  const browser = arm.browser;
  const renderedWrongly =
    arm.faults.length > 0 ||
    arm.unexplained.length > 0 ||
    arm.ops.some((op) => op.status === "misplaced" || op.status === "refused");
  if (renderedWrongly) return "not rendered as a browser would have it";
  if (browser?.loadError) return `Chromium could not load it: ${browser.loadError}`;
  if (browser && browser.reverted.length > 0)
    return `${browser.reverted.length} change(s) reverted by the page's scripts`;
  if (browser && browser.hydrationErrors.length > 0) return "hydration errors";
  return arm.control ? "as the origin" : "every change in place";
}

function figure(arm: ArmReport): string {
  const shot = arm.browser?.screenshot;
  const bad =
    !arm.ok || (arm.browser?.reverted.length ?? 0) > 0 || (arm.browser?.hydrationErrors.length ?? 0) > 0;
  return `<figure class="${bad ? "bad" : "good"}">
  <figcaption><b>${escapeHtml(arm.arm)}</b>${arm.control && arm.arm !== "control" ? " (control)" : ""} — ${escapeHtml(armVerdict(arm))}${
    arm.browser ? ` · layout shift ${arm.browser.layoutShift.toFixed(3)}` : ""
  }</figcaption>
  ${shot ? `<img alt="${escapeHtml(arm.arm)}" src="${shot}">` : "<p>no screenshot</p>"}
  ${(arm.browser?.reverted ?? [])
    .map(
      (revert) =>
        `<p class="note">${escapeHtml(revert.where)}: <code>${escapeHtml(revert.path)}</code> shows “${escapeHtml(revert.got)}” instead of “${escapeHtml(revert.expected)}”</p>`,
    )
    .join("\n  ")}
</figure>`;
}

/**
 * One self-contained page with every arm of every verified page side by side: people would rather look than read.
 * Screenshots are inline JPEG data; no script, nothing fetched.
 */
export function screenshotsPage(pages: readonly PageReport[], generatedAt: Date): string {
  const sections = pages
    .filter((page) => page.arms.some((arm) => arm.browser))
    .map(
      (page) => `<section>
<h2>${escapeHtml(page.experiment)} on ${escapeHtml(page.page)}</h2>
<p class="where">${escapeHtml(page.where)}${
        page.hydration.length > 0
          ? ` · hydrated: ${escapeHtml(page.hydration.map((root) => `${root.framework} at ${root.path}`).join(", "))}`
          : ""
      }</p>
<div class="arms">
${page.arms.map(figure).join("\n")}
</div>
</section>`,
    )
    .join("\n");
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; img-src data:; style-src 'unsafe-inline'">
<title>stylist verify</title>
<style>
body { font: 14px/1.4 system-ui, sans-serif; margin: 1.5rem; color: #222; }
.arms { display: flex; align-items: flex-start; gap: 1rem; overflow-x: auto; }
figure { margin: 0; flex: 0 0 640px; border: 3px solid #2b8a3e; padding: .5rem; }
figure.bad { border-color: #c92a2a; }
img { width: 100%; display: block; }
.where, .note { color: #555; } code { font-size: 12px; }
</style></head><body>
<h1>stylist verify — every arm as Chromium shows it after the page's scripts ran</h1>
<p class="where">${escapeHtml(generatedAt.toISOString())}</p>
${sections || "<p>No arm was loaded in a browser.</p>"}
</body></html>
`;
}
