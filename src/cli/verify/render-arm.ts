import type { CompiledExperiment } from "../../core/decide/compile.ts";
import { isControl } from "../../core/decide/compile.ts";
import type { Decision } from "../../core/decide/decide.ts";
import { planEdits } from "../../core/page-view/edit-plan.ts";
import { NO_RENDER_DATA } from "../../core/page-view/render-data.ts";
import type { Variant } from "../../core/schema/experiment.ts";
import { renderPage } from "../../render/render.ts";
import { wasmRewriterFactory } from "../wasm-rewriter.ts";

/** A browser's user agent: a shop may serve bots a different page, and the worker serves bots the origin's. */
const VERIFY_USER_AGENT =
  "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36 stylist-verify";

export interface OriginPage {
  path: string;
  url: string;
  status: number;
  contentType: string | null;
  headers: Headers;
  bytes: Uint8Array;
}

export async function fetchOriginPage(origin: string, path: string): Promise<OriginPage> {
  const url = new URL(path, origin).href;
  const response = await fetch(url, {
    headers: { "user-agent": VERIFY_USER_AGENT, accept: "text/html,application/xhtml+xml" },
    redirect: "manual",
  });
  const headers = new Headers(response.headers);
  // fetch has already decoded the body: the worker sees the same bytes, its runtime decodes too.
  headers.delete("content-encoding");
  headers.delete("content-length");
  return {
    path,
    url,
    status: response.status,
    contentType: response.headers.get("content-type"),
    headers,
    bytes: new Uint8Array(await response.arrayBuffer()),
  };
}

export interface RenderedArm {
  bytes: Uint8Array;
  /** Would the worker log an exposure for this arm on this page (its target rendered, no op faulted)? */
  exposureLogged: boolean;
  faults: string[];
}

/** One arm of one experiment through the worker's own render code and lol-html (WebAssembly), as `simulate` does. */
export async function renderArm(
  page: OriginPage,
  compiled: CompiledExperiment,
  variant: Variant,
): Promise<RenderedArm> {
  const decision: Decision = { compiled, variant, arm: variant.id, control: isControl(variant), bucket: 0 };
  const faults: string[] = [];
  const rendered = renderPage(
    new Response(page.bytes.slice(), { status: page.status, headers: page.headers }),
    [decision],
    planEdits([decision]),
    NO_RENDER_DATA,
    wasmRewriterFactory,
    (error) => faults.push((error as Error).message ?? String(error)),
  );
  const bytes = new Uint8Array(await rendered.response.arrayBuffer());
  const outcome = await rendered.outcome;
  return { bytes, exposureLogged: Boolean(outcome.matched[0] && !outcome.faulted[0]), faults };
}

/** Whether lol-html accepts a selector: the worker registers each one, and one it refuses costs the whole page. */
export async function rewriterRefuses(selector: string): Promise<string | undefined> {
  try {
    const probe = wasmRewriterFactory()
      .on(selector, { element() {} })
      .transform(new Response("<p></p>"));
    await probe.text();
    return undefined;
  } catch (error) {
    return (error as Error).message;
  }
}
