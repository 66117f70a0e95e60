import type { AnyNode, Document, Element } from "domhandler";
import { cssPath, isAncestorOrSelf, querySelectorAll, textOf } from "./dom.ts";

/** A subtree whose markup the page's own scripts own: they may re-render it from their data and undo an edge edit. */
export interface HydrationRoot {
  framework: string;
  /** What gave it away, e.g. `script#__NEXT_DATA__` or `[data-reactroot]`. */
  marker: string;
  element: Element;
  path: string;
}

/** Markers on the hydrated element itself: the subtree under it is the framework's. */
const ELEMENT_MARKERS: ReadonlyArray<{ selector: string; framework: string }> = [
  { selector: "[data-reactroot]", framework: "React" },
  { selector: "[data-server-rendered]", framework: "Vue (SSR)" },
  { selector: "[data-v-app]", framework: "Vue" },
  { selector: "[data-svelte-h]", framework: "Svelte" },
  { selector: "astro-island", framework: "Astro island" },
  { selector: ".shopify-section, [data-section-id]", framework: "Shopify section" },
  { selector: "[ng-version]", framework: "Angular" },
  { selector: "[q\\:container]", framework: "Qwik" },
  { selector: "[data-hk]", framework: "Solid" },
  { selector: "[data-island]", framework: "Island" },
];

/** Markers in the page's scripts: the framework hydrates its app container, or the whole body. */
const PAGE_MARKERS: ReadonlyArray<{
  framework: string;
  marker: string;
  found: (document: Document, scripts: string) => boolean;
  root: string;
}> = [
  {
    framework: "Next.js",
    marker: "script#__NEXT_DATA__",
    found: (document) => querySelectorAll(document, "script#__NEXT_DATA__").length > 0,
    root: "#__next",
  },
  {
    framework: "Next.js (app router)",
    marker: "self.__next_f",
    found: (_, scripts) => scripts.includes("self.__next_f"),
    root: "body",
  },
  {
    framework: "Nuxt",
    marker: "__NUXT__",
    found: (document, scripts) =>
      scripts.includes("__NUXT__") || querySelectorAll(document, "#__nuxt, #__NUXT_DATA__").length > 0,
    root: "#__nuxt",
  },
  {
    framework: "SvelteKit",
    marker: "__sveltekit",
    found: (_, scripts) => scripts.includes("__sveltekit"),
    root: "body",
  },
  {
    framework: "Remix",
    marker: "__remixContext",
    found: (_, scripts) => scripts.includes("__remixContext"),
    root: "body",
  },
  {
    framework: "Gatsby",
    marker: "#___gatsby",
    found: (document) => querySelectorAll(document, "#___gatsby").length > 0,
    root: "#___gatsby",
  },
];

/** Every hydrated subtree of a parsed page, outermost first; nested roots inside another are left out. */
export function findHydrationRoots(document: Document): HydrationRoot[] {
  const found: HydrationRoot[] = [];
  const add = (framework: string, marker: string, element: Element) =>
    found.push({ framework, marker, element, path: cssPath(element) });
  for (const { selector, framework } of ELEMENT_MARKERS) {
    for (const element of querySelectorAll(document, selector)) add(framework, `${selector}`, element);
  }
  const scripts = querySelectorAll(document, "script")
    .map((script) => textOf(script))
    .join("\n");
  for (const page of PAGE_MARKERS) {
    if (!page.found(document, scripts)) continue;
    const [root] = querySelectorAll(document, page.root);
    const [body] = querySelectorAll(document, "body");
    const element = root ?? body;
    if (element) add(page.framework, page.marker, element);
  }
  return found.filter(
    (root, index) =>
      !found.some(
        (other, at) =>
          (other.element === root.element && at < index) ||
          (other.element !== root.element && isAncestorOrSelf(other.element, root.element)),
      ),
  );
}

/** The hydrated subtree `node` lies in, if any. */
export function hydratedRootOf(node: AnyNode, roots: readonly HydrationRoot[]): HydrationRoot | undefined {
  return roots.find((root) => isAncestorOrSelf(root.element, node));
}
