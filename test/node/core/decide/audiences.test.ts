import { describe, expect, it } from "vitest";
import { compileCondition, explainCondition } from "../../../../src/core/decide/audience.ts";
import { compileRules } from "../../../../src/core/decide/compile.ts";
import { type Condition, ConditionSchema } from "../../../../src/core/schema/audience.ts";
import { syntheticContext, type VisitorContext } from "../../../../src/core/visitor/context.ts";
import { validateRuleSources } from "../../../../src/rules/validate.ts";
import { VALID_RULE_FILE } from "../../../fixtures/rule-sources.ts";

const TODAY = 20_000;
const scope = { timeZone: "Europe/London", audiences: new Map() };
const visitor = (overrides: Partial<VisitorContext> = {}) =>
  syntheticContext({ visitorId: "a".repeat(32), now: Date.UTC(2026, 6, 1, 12), ...overrides });
const behaviour = (overrides: Partial<VisitorContext["behaviour"]>) => ({
  today: TODAY,
  categories: {},
  basketNotPurchased: false,
  revisitedProduct: false,
  purchases: 0,
  ...overrides,
});
const test = (condition: unknown, context: VisitorContext) =>
  compileCondition(ConditionSchema.parse(condition), scope)(context);

describe("audience conditions", () => {
  it.each<[string, unknown, Partial<VisitorContext>, Partial<VisitorContext>]>([
    ["visitor", { visitor: "returning" }, { visitor: "returning" }, { visitor: "new" }],
    ["sessions", { sessions: { atLeast: 3 } }, { sessions: 3 }, { sessions: 2 }],
    ["device", { device: ["mobile", "tablet"] }, { device: "tablet" }, { device: "desktop" }],
    ["browser", { browser: ["safari"] }, { browser: "safari" }, { browser: "chrome" }],
    ["country", { country: ["GB"] }, { country: "GB" }, { country: "FR" }],
    ["region", { region: ["England"] }, { region: "england" }, { region: "Wales" }],
    ["city", { city: ["Keswick"] }, { city: "Keswick" }, {}],
    ["language prefix", { language: ["en"] }, { language: "en-gb" }, { language: "fr" }],
    ["source", { source: ["paid", "email"] }, { source: "email" }, { source: "direct" }],
    ["utm source", { utmSource: ["Google"] }, { utm: { source: "google" } }, { utm: {} }],
    ["utm medium", { utmMedium: ["cpc"] }, { utm: { medium: "cpc" } }, { utm: { medium: "email" } }],
    ["utm campaign", { utmCampaign: ["winter"] }, { utm: { campaign: "winter" } }, { utm: {} }],
    ["landing page", { landingPage: ["/landing/*"] }, { landingPage: "/landing/a" }, { landingPage: "/" }],
    ["path", { path: ["/products/**"] }, { path: "/products/a/b" }, { path: "/basket" }],
    [
      "query value",
      { query: { ref: "partner" } },
      { query: { ref: "partner" } },
      { query: { ref: "other" } },
    ],
    ["query presence", { query: { coupon: "*" } }, { query: { coupon: "X1" } }, { query: {} }],
    ["customer", { customer: true }, { customer: true }, { customer: false }],
    ["tier", { tier: ["gold"] }, { tier: "gold" }, { tier: "silver" }],
    ["local hour", { localHour: { from: 13, to: 14 } }, {}, { now: Date.UTC(2026, 6, 1, 6) }],
    ["local hour past midnight", { localHour: { from: 22, to: 6 } }, { now: Date.UTC(2026, 6, 1, 1) }, {}],
    ["weekday", { weekday: ["wed"] }, {}, { now: Date.UTC(2026, 6, 2, 12) }],
    [
      "viewed a category enough, recently",
      { viewedCategory: { category: "trail-running", atLeast: 2, withinDays: 7 } },
      { behaviour: behaviour({ categories: { "trail-running": [TODAY - 3, TODAY] } }) },
      { behaviour: behaviour({ categories: { "trail-running": [TODAY - 10, TODAY] } }) },
    ],
    [
      "basket not purchased",
      { basketNotPurchased: true },
      { behaviour: behaviour({ basketNotPurchased: true }) },
      {},
    ],
    [
      "revisited product",
      { revisitedProduct: true },
      { behaviour: behaviour({ revisitedProduct: true }) },
      {},
    ],
    ["purchased before", { purchasedBefore: true }, { behaviour: behaviour({ purchases: 2 }) }, {}],
    ["purchased before, as a customer", { purchasedBefore: true }, { customer: true }, {}],
  ])("%s: matches and does not match", (_name, condition, yes, no) => {
    expect(test(condition, visitor(yes))).toBe(true);
    expect(test(condition, visitor(no))).toBe(false);
  });

  it("composes with all, any and not", () => {
    const condition = {
      all: [
        { visitor: "returning" },
        { any: [{ device: ["mobile"] }, { country: ["GB"] }] },
        { not: { customer: true } },
      ],
    };
    expect(test(condition, visitor({ visitor: "returning", country: "GB" }))).toBe(true);
    expect(test(condition, visitor({ visitor: "returning", country: "GB", customer: true }))).toBe(false);
    expect(test(condition, visitor({ visitor: "returning", country: "FR" }))).toBe(false);
  });

  it("explains which condition decided the result", () => {
    const condition = ConditionSchema.parse({
      all: [
        { device: ["mobile"] },
        { viewedCategory: { category: "trail-running", atLeast: 2, withinDays: 7 } },
      ],
    }) as Condition;
    const context = visitor({
      device: "mobile",
      behaviour: behaviour({ categories: { "trail-running": [TODAY] } }),
    });
    expect(explainCondition(condition, context, scope)).toEqual({
      matched: false,
      decidedBy: "viewed trail-running 1 time(s) in 7 days (wanted 2+)",
    });
    expect(
      explainCondition({ any: [{ device: ["desktop"] }, { device: ["mobile"] }] }, context, scope),
    ).toEqual({
      matched: true,
      decidedBy: "device is mobile (wanted mobile)",
    });
  });

  it("lets experiments and audiences refer to named audiences", () => {
    const rules = compileRules({
      version: 1,
      killed: [],
      audiences: [
        { id: "mobile", reason: "because you are on a phone", condition: { device: ["mobile"] } },
        {
          id: "mobile-returning",
          reason: "because you came back on a phone",
          condition: { all: [{ audience: "mobile" }, { visitor: "returning" }] },
        },
      ],
      experiments: [],
    });
    const [mobile, both] = rules.audiences;
    expect(mobile?.test(visitor({ device: "mobile" }))).toBe(true);
    expect(both?.test(visitor({ device: "mobile" }))).toBe(false);
    expect(both?.test(visitor({ device: "mobile", visitor: "returning" }))).toBe(true);
  });
});

describe("validating audiences", () => {
  const file = (content: Record<string, unknown>) => ({
    file: "rules/a.json",
    text: JSON.stringify(content),
  });
  const experiment = { ...VALID_RULE_FILE.experiments[0], audience: { audience: "nobody" } };

  it("refuses a reference to an audience that does not exist, and audiences that refer to each other in a loop", () => {
    const result = validateRuleSources([
      file({
        audiences: [
          { id: "a", reason: "because of b somehow", condition: { audience: "b" } },
          { id: "b", reason: "because of a somehow", condition: { not: { audience: "a" } } },
        ],
        experiments: [experiment],
      }),
    ]);
    expect(result.errors.map((e) => `${e.path}: ${e.message}`)).toEqual([
      'experiments[0].audience.audience: no audience "nobody" is defined',
      "audiences[0].condition: audiences refer to each other in a loop: a → b → a",
      "audiences[1].condition: audiences refer to each other in a loop: b → a → b",
    ]);
  });

  it("warns about weak evidence, unknown categories and a missing taxonomy", () => {
    const result = validateRuleSources([
      file({
        settings: { categories: ["camping"] },
        audiences: [
          {
            id: "stray",
            reason: "because you looked once",
            condition: { viewedCategory: { category: "kayaks", atLeast: 1 } },
          },
        ],
      }),
    ]);
    expect(result.errors).toEqual([]);
    expect(result.warnings.map((w) => `${w.path}: ${w.message}`)).toEqual([
      "audiences[0].condition.viewedCategory.atLeast: 1 view is weak evidence of intent; use 2 or more",
      'audiences[0].condition.viewedCategory.category: "kayaks" is not in settings.categories',
      "audiences[0].condition.viewedCategory: settings.taxonomy has no category or product pages, so no views are ever recorded",
    ]);
  });
});
