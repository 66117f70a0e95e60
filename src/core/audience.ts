import type { VisitorContext } from "./context.ts";
import { localTime } from "./local-time.ts";
import { compilePagePattern } from "./page-pattern.ts";
import { categoryViews } from "./profile.ts";
import type { Condition } from "./schema/audience.ts";

export type AudienceTest = (context: VisitorContext) => boolean;

/** What a condition needs beyond the visitor: the store's time zone, and named audiences to refer to. */
export interface AudienceScope {
  timeZone: string;
  audiences: ReadonlyMap<string, AudienceTest>;
}

/** One leaf condition: the test, and plain words for what it checked (for `stylist simulate` and /_stylist/why). */
interface Leaf {
  test: AudienceTest;
  describe: (context: VisitorContext) => string;
}

const oneOf = <T extends string>(values: readonly T[]) =>
  new Set<string>(values.map((value) => value.toLowerCase()));
const shown = (value: unknown) => (value === undefined ? "unknown" : String(value));

function leaf(condition: Condition, scope: AudienceScope): Leaf | undefined {
  if ("visitor" in condition) {
    return {
      test: (c) => c.visitor === condition.visitor,
      describe: (c) => `visitor is ${c.visitor} (wanted ${condition.visitor})`,
    };
  }
  if ("sessions" in condition) {
    const { atLeast = 0, atMost = Number.POSITIVE_INFINITY } = condition.sessions;
    return {
      test: (c) => c.sessions >= atLeast && c.sessions <= atMost,
      describe: (c) => `session ${c.sessions} (wanted ${atLeast}–${atMost})`,
    };
  }
  const listed = (
    name: string,
    values: readonly string[],
    read: (c: VisitorContext) => string | undefined,
  ): Leaf => {
    const set = oneOf(values);
    return {
      test: (c) => {
        const value = read(c);
        return value !== undefined && set.has(value.toLowerCase());
      },
      describe: (c) => `${name} is ${shown(read(c))} (wanted ${values.join(" or ")})`,
    };
  };
  if ("device" in condition) return listed("device", condition.device, (c) => c.device);
  if ("browser" in condition) return listed("browser", condition.browser, (c) => c.browser);
  if ("country" in condition) return listed("country", condition.country, (c) => c.country);
  if ("region" in condition) return listed("region", condition.region, (c) => c.region);
  if ("city" in condition) return listed("city", condition.city, (c) => c.city);
  if ("source" in condition) return listed("traffic source", condition.source, (c) => c.source);
  if ("utmSource" in condition) return listed("utm_source", condition.utmSource, (c) => c.utm.source);
  if ("utmMedium" in condition) return listed("utm_medium", condition.utmMedium, (c) => c.utm.medium);
  if ("utmCampaign" in condition) return listed("utm_campaign", condition.utmCampaign, (c) => c.utm.campaign);
  if ("tier" in condition) return listed("loyalty tier", condition.tier, (c) => c.tier);
  if ("language" in condition) {
    const wanted = condition.language;
    const matches = (language: string | undefined) =>
      language !== undefined && wanted.some((tag) => language === tag || language.startsWith(`${tag}-`));
    return {
      test: (c) => matches(c.language),
      describe: (c) => `language is ${shown(c.language)} (wanted ${wanted.join(" or ")})`,
    };
  }
  const paged = (name: string, patterns: readonly string[], read: (c: VisitorContext) => string): Leaf => {
    const compiled = patterns.map(compilePagePattern);
    return {
      test: (c) => compiled.some((pattern) => pattern.test(read(c))),
      describe: (c) => `${name} is ${read(c)} (wanted ${patterns.join(" or ")})`,
    };
  };
  if ("path" in condition) return paged("page", condition.path, (c) => c.path);
  if ("landingPage" in condition) return paged("landing page", condition.landingPage, (c) => c.landingPage);
  if ("query" in condition) {
    const entries = Object.entries(condition.query);
    return {
      test: (c) =>
        entries.every(
          ([name, value]) => c.query[name] !== undefined && (value === "*" || c.query[name] === value),
        ),
      describe: () => `query has ${entries.map(([name, value]) => `${name}=${value}`).join(" and ")}`,
    };
  }
  if ("customer" in condition) {
    return {
      test: (c) => c.customer === condition.customer,
      describe: (c) => `customer: ${c.customer} (wanted ${condition.customer})`,
    };
  }
  if ("localHour" in condition) {
    const { from, to } = condition.localHour;
    const inRange = (hour: number) => (from <= to ? hour >= from && hour < to : hour >= from || hour < to);
    return {
      test: (c) => inRange(localTime(c.now, scope.timeZone).hour),
      describe: (c) =>
        `local hour is ${localTime(c.now, scope.timeZone).hour} in ${scope.timeZone} (wanted ${from}–${to})`,
    };
  }
  if ("weekday" in condition)
    return listed("weekday", condition.weekday, (c) => localTime(c.now, scope.timeZone).weekday);
  if ("viewedCategory" in condition) {
    const { category, atLeast, withinDays } = condition.viewedCategory;
    return {
      test: (c) => categoryViews(c.behaviour, category, withinDays) >= atLeast,
      describe: (c) =>
        `viewed ${category} ${categoryViews(c.behaviour, category, withinDays)} time(s) in ${withinDays} days (wanted ${atLeast}+)`,
    };
  }
  if ("basketNotPurchased" in condition) {
    return {
      test: (c) => c.behaviour.basketNotPurchased,
      describe: (c) => `basket added but not bought this session: ${c.behaviour.basketNotPurchased}`,
    };
  }
  if ("revisitedProduct" in condition) {
    return {
      test: (c) => c.behaviour.revisitedProduct,
      describe: (c) => `came back to this product: ${c.behaviour.revisitedProduct}`,
    };
  }
  if ("purchasedBefore" in condition) {
    return {
      test: (c) => c.behaviour.purchases > 0 || c.customer,
      describe: (c) => `purchases: ${c.behaviour.purchases}, customer: ${c.customer}`,
    };
  }
  if ("audience" in condition) {
    const id = condition.audience;
    return {
      test: (c) => scope.audiences.get(id)?.(c) ?? false,
      describe: (c) => `audience ${id}: ${(scope.audiences.get(id)?.(c) ?? false) ? "in" : "not in"}`,
    };
  }
  return undefined;
}

/** Compiles a condition tree once per rules version, so a page view only runs closures and set lookups. */
export function compileCondition(condition: Condition, scope: AudienceScope): AudienceTest {
  if ("all" in condition) {
    const tests = condition.all.map((inner) => compileCondition(inner, scope));
    return (context) => tests.every((test) => test(context));
  }
  if ("any" in condition) {
    const tests = condition.any.map((inner) => compileCondition(inner, scope));
    return (context) => tests.some((test) => test(context));
  }
  if ("not" in condition) {
    const inner = compileCondition(condition.not, scope);
    return (context) => !inner(context);
  }
  return (leaf(condition, scope) as Leaf).test;
}

export interface Explanation {
  matched: boolean;
  /** The condition that settled the result, in plain words. */
  decidedBy: string;
}

/** Evaluates and says which condition decided it: the first failing part of an `all`, the first passing `any`. */
export function explainCondition(
  condition: Condition,
  context: VisitorContext,
  scope: AudienceScope,
): Explanation {
  if ("all" in condition) {
    for (const inner of condition.all) {
      const result = explainCondition(inner, context, scope);
      if (!result.matched) return result;
    }
    return { matched: true, decidedBy: `all ${condition.all.length} conditions hold` };
  }
  if ("any" in condition) {
    for (const inner of condition.any) {
      const result = explainCondition(inner, context, scope);
      if (result.matched) return result;
    }
    return { matched: false, decidedBy: `none of ${condition.any.length} alternatives holds` };
  }
  if ("not" in condition) {
    const inner = explainCondition(condition.not, context, scope);
    return { matched: !inner.matched, decidedBy: `not (${inner.decidedBy})` };
  }
  const found = leaf(condition, scope) as Leaf;
  return { matched: found.test(context), decidedBy: found.describe(context) };
}
