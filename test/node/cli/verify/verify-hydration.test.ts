import { describe, expect, it } from "vitest";
import { parseDocument, querySelectorAll } from "../../../../src/cli/verify/dom.ts";
import { findHydrationRoots, hydratedRootOf } from "../../../../src/cli/verify/hydration.ts";
import { hydrationWarnings } from "../../../../src/cli/verify/hydration-warnings.ts";
import { compileRules } from "../../../../src/core/decide/compile.ts";
import { decide } from "../../../../src/core/decide/decide.ts";
import { syntheticContext } from "../../../../src/core/visitor/context.ts";
import { alwaysVariant } from "../../../fixtures/experiments.ts";

const page = (body: string, head = "") =>
  `<!doctype html><html><head>${head}</head><body>${body}</body></html>`;

function rootOf(html: string, selector: string) {
  const document = parseDocument(html);
  const [target] = querySelectorAll(document, selector);
  if (!target) throw new Error(`no ${selector}`);
  return hydratedRootOf(target, findHydrationRoots(document));
}

describe("hydration markers: which subtrees the page's own scripts render again", () => {
  it.each([
    [
      "Next.js pages router",
      page(
        '<div id="__next"><h1 id="t">x</h1></div><script id="__NEXT_DATA__" type="application/json">{}</script>',
      ),
      "Next.js",
      "#__next",
    ],
    [
      "Next.js app router",
      page('<h1 id="t">x</h1><script>(self.__next_f=self.__next_f||[]).push([0])</script>'),
      "Next.js (app router)",
      "body",
    ],
    ["React root", page('<div data-reactroot=""><h1 id="t">x</h1></div>'), "React", "div"],
    [
      "Nuxt",
      page('<div id="__nuxt"><h1 id="t">x</h1></div><script>window.__NUXT__={}</script>'),
      "Nuxt",
      "#__nuxt",
    ],
    [
      "Vue SSR",
      page('<div id="app" data-server-rendered="true"><h1 id="t">x</h1></div>'),
      "Vue (SSR)",
      "#app",
    ],
    ["Vue 3", page('<div id="app" data-v-app=""><h1 id="t">x</h1></div>'), "Vue", "#app"],
    ["Svelte", page('<section id="s"><h1 id="t" data-svelte-h="svelte-1x">x</h1></section>'), "Svelte", "#t"],
    [
      "Shopify section",
      page('<div id="shopify-section-hero" class="shopify-section"><h1 id="t">x</h1></div>'),
      "Shopify section",
      "#shopify-section-hero",
    ],
    [
      "Shopify data-section-id",
      page('<section data-section-id="main"><h1 id="t">x</h1></section>'),
      "Shopify section",
      "section",
    ],
    [
      "Astro island",
      page('<astro-island uid="1"><h1 id="t">x</h1></astro-island>'),
      "Astro island",
      "astro-island",
    ],
  ])("%s", (_, html, framework, path) => {
    const root = rootOf(html, "#t");
    expect(root?.framework).toBe(framework);
    expect(root?.path).toContain(path);
  });

  it("a plain server-rendered page has no hydrated subtree, and neither has content outside an island", () => {
    expect(findHydrationRoots(parseDocument(page('<h1 id="t">x</h1><script>var a = 1;</script>')))).toEqual(
      [],
    );
    expect(rootOf(page('<h1 id="t">x</h1><astro-island><p>y</p></astro-island>'), "#t")).toBeUndefined();
  });

  it("simulate warns for an op whose target is inside a hydrated subtree, naming the experiment, arm and op", () => {
    const rules = compileRules({ version: 1, experiments: [alwaysVariant()], killed: [] });
    const decisions = decide(syntheticContext({ visitorId: "0".repeat(32), now: 0, path: "/" }), rules);
    const hydrated = page(
      '<div id="__next"><section id="hero"><h1>Old</h1></section></div><script id="__NEXT_DATA__" type="application/json">{}</script>',
    );
    expect(hydrationWarnings(hydrated, decisions)).toEqual([
      expect.stringMatching(
        /^hero-headline\/promise: ops\[0\] setText "#hero h1" edits a subtree hydrated by Next\.js \(script#__NEXT_DATA__ at #__next\)/,
      ),
    ]);
    expect(hydrationWarnings(page('<section id="hero"><h1>Old</h1></section>'), decisions)).toEqual([]);
  });
});
