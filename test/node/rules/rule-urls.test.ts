import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { readCatalogueFile } from "../../../src/cli/commands/catalogue.ts";
import { type CatalogueProduct, CatalogueProductSchema } from "../../../src/core/schema/catalogue.ts";
import { productListHtml } from "../../../src/render/product-list.ts";
import { validateRuleSources } from "../../../src/rules/validate.ts";
import { VALID_RULE_FILE } from "../../fixtures/rule-sources.ts";

/** Every URL a rule or the catalogue carries stays on the shop (or, for redirects, on settings.redirectHosts). */
const BASE = "https://shop.example/category/x";
const product = (fields: Partial<CatalogueProduct>) => ({
  slug: "fell-jacket",
  name: "Fell jacket",
  url: "/products/fell-jacket",
  price: 12_000,
  currency: "GBP",
  category: "jackets",
  ...fields,
});

const OFF_SITE_PATHS = [
  "//evil.example/x",
  "/\\evil.example/x",
  "\\\\evil.example/x",
  "\\/evil.example/x",
  "/\t/evil.example/x",
  "/\n/evil.example",
  " //evil.example",
  "https://evil.example/x",
  "HTTPS://EVIL.EXAMPLE/x",
  "javascript:alert(1)",
  "java\nscript:alert(1)",
  "data:text/html,x",
  "evil.example/x",
  "/x y",
  "/\u0000x",
];

describe("catalogue product links (item 3)", () => {
  it.each(OFF_SITE_PATHS)("refuses the product url %j", (url) => {
    expect(CatalogueProductSchema.safeParse(product({ url })).success).toBe(false);
  });

  it.each(["/products/fell-jacket", "/p?colour=red#reviews", "/p/%2F%2Fnot-a-host", "/caf%C3%A9"])(
    "accepts the same-site path %j",
    (url) => {
      expect(CatalogueProductSchema.safeParse(product({ url })).success).toBe(true);
    },
  );

  it.each([
    "//cdn.evil.example/x.png",
    "/\\cdn.evil.example/x.png",
    "http://cdn.example/x.png",
    "javascript:x",
    "data:image/svg+xml,x",
    "https://u:p@cdn.example/x.png",
  ])("refuses the image %j", (image) => {
    expect(CatalogueProductSchema.safeParse(product({ image })).success).toBe(false);
  });

  it("accepts images on this site or over https", () => {
    for (const image of ["/img/x.png", "https://cdn.example/x.png"])
      expect(CatalogueProductSchema.safeParse(product({ image })).success).toBe(true);
  });

  it("names the file and the product's path when `stylist catalogue` refuses an off-site link", () => {
    const dir = mkdtempSync(join(tmpdir(), "stylist-catalogue-"));
    const file = join(dir, "catalogue.json");
    writeFileSync(
      file,
      JSON.stringify({ products: [product({}), product({ slug: "b", url: "/\\evil.example/b" })] }),
    );
    expect(() => readCatalogueFile(file)).toThrow(`${file}: products[1].url: a path on this site`);
  });

  it("accepts no url that leaves the shop, whatever it is made of (property-based)", () => {
    const piece = fc.constantFrom(
      "/",
      "\\",
      "//",
      "\t",
      "\n",
      " ",
      ":",
      "@",
      "evil.example",
      "https:",
      "%2F",
      ".",
      "?",
      "#",
      "x",
    );
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 8 }), (pieces) => {
        const url = pieces.join("");
        if (CatalogueProductSchema.safeParse(product({ url })).success) {
          expect(new URL(url, BASE).origin).toBe("https://shop.example");
        }
      }),
      { seed: 0x5717_0013, numRuns: 2_000 },
    );
  });

  it("renders no off-site product link or image even from a catalogue written around the schema", () => {
    const html = productListHtml("recently-viewed", "Recently viewed", [
      product({ url: "//evil.example/a", name: "Bad link" }),
      product({ slug: "ok", url: "/products/ok", name: "Good", image: "javascript:alert(1)" }),
    ]);
    expect(html).not.toContain("evil.example");
    expect(html).not.toContain("Bad link");
    expect(html).not.toContain("javascript:");
    expect(html).toContain('href="/products/ok"');
  });
});

describe("redirect variants (same class as item 3)", () => {
  const experiment = (url: string) => ({
    ...VALID_RULE_FILE.experiments[0],
    variants: [
      { id: "control", weight: 50 },
      { id: "b", weight: 50, ops: [{ op: "redirect", url }] },
    ],
  });
  const errors = (url: string) =>
    validateRuleSources([
      { file: "rules/split.json", text: JSON.stringify({ experiments: [experiment(url)] }) },
    ]).errors.map((e) => `${e.file}: ${e.path}: ${e.message}`);

  it.each([
    "//evil.example/landing",
    "/\\evil.example/landing",
    "\\/evil.example/landing",
    "\\\\evil.example/landing",
    "/\t/evil.example",
    " //evil.example",
    "https:/\\evil.example/landing",
    "https:evil.example/landing",
    "HTTPS://EVIL.EXAMPLE/landing",
    "ht\ttps://evil.example/landing",
    "https://shop.example@evil.example/",
    "javascript:alert(1)",
    "http://evil.example/",
  ])("refuses a redirect to %j, naming the op's url", (url) => {
    const found = errors(url);
    expect(found.length).toBeGreaterThan(0);
    expect(found[0]).toContain("rules/split.json: experiments[0].variants[1].ops[0].url: ");
  });

  it("accepts a path on the site", () => {
    expect(errors("/landing-b")).toEqual([]);
  });
});
