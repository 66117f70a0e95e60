import { CONDITION_NAMES, type Condition, type LeafKey } from "../schema/audience.ts";
import type { VisitorContext } from "../visitor/context.ts";
import { localTime } from "../visitor/local-time.ts";
import { categoryViews } from "../visitor/profile.ts";
import { compilePagePattern } from "./page-pattern.ts";

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

const paged = (name: string, patterns: readonly string[], read: (c: VisitorContext) => string): Leaf => {
  const compiled = patterns.map(compilePagePattern);
  return {
    test: (c) => compiled.some((pattern) => pattern.test(read(c))),
    describe: (c) => `${name} is ${read(c)} (wanted ${patterns.join(" or ")})`,
  };
};

/** Each leaf condition by its key, with exactly that condition's type. */
type LeafConditions = { [K in LeafKey]: Extract<Condition, Record<K, unknown>> };

/**
 * Every leaf condition's evaluator, keyed like the schema (CONDITION_NAMES): a condition added to the schema and the
 * Condition type without one here does not compile.
 */
const LEAVES: { [K in LeafKey]: (condition: LeafConditions[K], scope: AudienceScope) => Leaf } = {
  visitor: (condition) => ({
    test: (c) => c.visitor === condition.visitor,
    describe: (c) => `visitor is ${c.visitor} (wanted ${condition.visitor})`,
  }),
  sessions: (condition) => {
    const { atLeast = 0, atMost = Number.POSITIVE_INFINITY } = condition.sessions;
    return {
      test: (c) => c.sessions >= atLeast && c.sessions <= atMost,
      describe: (c) => `session ${c.sessions} (wanted ${atLeast}–${atMost})`,
    };
  },
  device: (condition) => listed("device", condition.device, (c) => c.device),
  browser: (condition) => listed("browser", condition.browser, (c) => c.browser),
  country: (condition) => listed("country", condition.country, (c) => c.country),
  region: (condition) => listed("region", condition.region, (c) => c.region),
  city: (condition) => listed("city", condition.city, (c) => c.city),
  source: (condition) => listed("traffic source", condition.source, (c) => c.source),
  utmSource: (condition) => listed("utm_source", condition.utmSource, (c) => c.utm.source),
  utmMedium: (condition) => listed("utm_medium", condition.utmMedium, (c) => c.utm.medium),
  utmCampaign: (condition) => listed("utm_campaign", condition.utmCampaign, (c) => c.utm.campaign),
  tier: (condition) => listed("loyalty tier", condition.tier, (c) => c.tier),
  language: (condition) => {
    const wanted = condition.language;
    const matches = (language: string | undefined) =>
      language !== undefined && wanted.some((tag) => language === tag || language.startsWith(`${tag}-`));
    return {
      test: (c) => matches(c.language),
      describe: (c) => `language is ${shown(c.language)} (wanted ${wanted.join(" or ")})`,
    };
  },
  path: (condition) => paged("page", condition.path, (c) => c.path),
  landingPage: (condition) => paged("landing page", condition.landingPage, (c) => c.landingPage),
  query: (condition) => {
    const entries = Object.entries(condition.query);
    return {
      test: (c) =>
        entries.every(
          ([name, value]) => c.query[name] !== undefined && (value === "*" || c.query[name] === value),
        ),
      describe: () => `query has ${entries.map(([name, value]) => `${name}=${value}`).join(" and ")}`,
    };
  },
  customer: (condition) => ({
    test: (c) => c.customer === condition.customer,
    describe: (c) => `customer: ${c.customer} (wanted ${condition.customer})`,
  }),
  localHour: (condition, scope) => {
    const { from, to } = condition.localHour;
    const inRange = (hour: number) => (from <= to ? hour >= from && hour < to : hour >= from || hour < to);
    return {
      test: (c) => inRange(localTime(c.now, scope.timeZone).hour),
      describe: (c) =>
        `local hour is ${localTime(c.now, scope.timeZone).hour} in ${scope.timeZone} (wanted ${from}–${to})`,
    };
  },
  weekday: (condition, scope) =>
    listed("weekday", condition.weekday, (c) => localTime(c.now, scope.timeZone).weekday),
  viewedCategory: (condition) => {
    const { category, atLeast, withinDays } = condition.viewedCategory;
    return {
      test: (c) => categoryViews(c.behaviour, category, withinDays) >= atLeast,
      describe: (c) =>
        `viewed ${category} ${categoryViews(c.behaviour, category, withinDays)} time(s) in ${withinDays} days (wanted ${atLeast}+)`,
    };
  },
  basketNotPurchased: () => ({
    test: (c) => c.behaviour.basketNotPurchased,
    describe: (c) => `basket added but not bought this session: ${c.behaviour.basketNotPurchased}`,
  }),
  revisitedProduct: () => ({
    test: (c) => c.behaviour.revisitedProduct,
    describe: (c) => `came back to this product: ${c.behaviour.revisitedProduct}`,
  }),
  purchasedBefore: () => ({
    test: (c) => c.behaviour.purchases > 0 || c.customer,
    describe: (c) => `purchases: ${c.behaviour.purchases}, customer: ${c.customer}`,
  }),
  audience: (condition, scope) => {
    const id = condition.audience;
    return {
      test: (c) => scope.audiences.get(id)?.(c) ?? false,
      describe: (c) => `audience ${id}: ${(scope.audiences.get(id)?.(c) ?? false) ? "in" : "not in"}`,
    };
  },
};

function isLeaf<K extends LeafKey>(condition: Condition, key: K): condition is LeafConditions[K] {
  return key in condition;
}

function buildLeaf<K extends LeafKey>(key: K, condition: LeafConditions[K], scope: AudienceScope): Leaf {
  return LEAVES[key](condition, scope);
}

/** The leaf a condition is; all / any / not are taken apart by the callers before they get here. */
function leaf(condition: Condition, scope: AudienceScope): Leaf {
  for (const key of CONDITION_NAMES) {
    if (isLeaf(condition, key)) return buildLeaf(key, condition, scope);
  }
  throw new Error(`not an audience condition: ${JSON.stringify(condition)}`);
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
  return leaf(condition, scope).test;
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
  const found = leaf(condition, scope);
  return { matched: found.test(context), decidedBy: found.describe(context) };
}
