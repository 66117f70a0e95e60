import { type CompiledTaxonomyEntry, compileTaxonomy } from "../catalogue/taxonomy.ts";
import { hasPlaceholders } from "../html/template.ts";
import type { Audience } from "../schema/audience.ts";
import type { Consent } from "../schema/consent.ts";
import { CONTROL, type Experiment, type Variant } from "../schema/experiment.ts";
import { PURCHASE } from "../schema/goals.ts";
import { editedSelectors, isProductListOp, isRecommendationOp } from "../schema/ops.ts";
import { DEFAULT_SETTINGS, GLOBAL_HOLDOUT, type Settings } from "../schema/settings.ts";
import type { Period, Snapshot } from "../schema/snapshot.ts";
import type { CustomerSource } from "../schema/taxonomy.ts";
import { type AudienceScope, type AudienceTest, compileCondition } from "./audience.ts";
import { compilePagePattern } from "./page-pattern.ts";
import { buildPatternIndex, type PatternIndex } from "./pattern-index.ts";

export interface CompiledExperiment {
  experiment: Experiment;
  seed: string;
  phase: number;
  /** A bandit's current allocation period (1 until the first reweight); undefined for a fixed split. */
  period: number | undefined;
  /** The variants with this period's weights: what new visitors are bucketed by. */
  weighted: readonly Variant[];
  audience: AudienceTest | undefined;
  pages: RegExp[];
  /** Selectors whose presence in the page counts as an exposure, identical for every arm. */
  exposureSelectors: string[];
  /** Split-URL tests are exposed when decided: the variant never renders the page it was decided on. */
  exposeOnDecision: boolean;
  /** Arms whose rendering depends on the visitor (placeholders, product lists): never shared between visitors. */
  visitorSpecificArms: Set<string>;
  /** Has product-list ops, which need the catalogue and the visitor's profile. */
  usesCatalogue: boolean;
  /** Has `related` or `forYou` ops, which need the recommendation table. */
  usesRecommendations: boolean;
  /** Milliseconds since the epoch, from `schedule`. */
  startsAt: number | undefined;
  endsAt: number | undefined;
}

export interface CompiledRules {
  version: number;
  /** Running and rolled-out experiments, not killed: the only ones looked at for ordinary page views. */
  live: CompiledExperiment[];
  /** Every experiment not killed, by id: previews may force drafts and paused experiments. */
  byId: Map<string, CompiledExperiment>;
  /** Exact page paths → live experiments, so most pages find their candidates with one map lookup. */
  byExactPath: Map<string, CompiledExperiment[]>;
  /** Some live experiment renders product lists, so page views need the catalogue. */
  usesCatalogue: boolean;
  /** Some live experiment renders recommendations, so page views may need the recommendation table. */
  usesRecommendations: boolean;
  /** Live experiments with wildcard page patterns, indexed by each pattern's literal prefix. */
  byPattern: PatternIndex<CompiledExperiment>;
  /** Each live experiment's position in rule order, so candidates from both indexes come out in that order. */
  liveOrder: Map<CompiledExperiment, number>;
  holdout: { share: number; seed: string; phase: number } | undefined;
  redirectHosts: string[];
  pageCache: { enabled: boolean; maxSeconds: number; ignoreCookiesOn: RegExp[] };
  /** Goal ids the storefront may report through the event endpoints: event goals and the built-in purchase. */
  eventGoals: Set<string>;
  /** Goals reached by loading a page, recorded by the worker itself. */
  urlGoals: Array<{ id: string; pages: RegExp[] }>;
  /** Named audiences in rule order, for segments on events and reasons at /_stylist/why. */
  audiences: Array<{ audience: Audience; test: AudienceTest }>;
  scope: AudienceScope;
  taxonomy: CompiledTaxonomyEntry[];
  customer: CustomerSource | undefined;
  consent: Consent;
}

/**
 * The target, or every element the variants edit. A style in <head> is left out when there is anything else,
 * since every page has a head: it would count visitors who never saw the part of the page the test is about.
 */
function exposureSelectors(experiment: Experiment): string[] {
  if (experiment.target) return [experiment.target];
  const selectors = editedSelectors(experiment.variants);
  return selectors.size > 0 ? [...selectors] : ["head"];
}

const opHasPlaceholders = (op: Variant["ops"][number]) =>
  Object.values(op).some((value) => typeof value === "string" && hasPlaceholders(value));

const isProductList = isProductListOp;

function visitorSpecificArms(variants: readonly Variant[]): Set<string> {
  return new Set(
    variants
      .filter((variant) => variant.ops.some((op) => opHasPlaceholders(op) || isProductList(op)))
      .map((variant) => variant.id),
  );
}

function addTo<K, V>(map: Map<K, V[]>, key: K, value: V) {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

const time = (iso: string | undefined) => (iso ? Date.parse(iso) : undefined);

/** A bandit's variants carry the period's weights; a variant the period does not name keeps its own. */
function periodVariants(experiment: Experiment, period: Period | undefined): readonly Variant[] {
  if (!period) return experiment.variants;
  return experiment.variants.map((variant) => ({
    ...variant,
    weight: period.weights[variant.id] ?? variant.weight,
  }));
}

export function compileExperiment(
  experiment: Experiment,
  phase: number,
  scope: AudienceScope,
  period?: Period,
): CompiledExperiment {
  const redirect = experiment.variants.some((variant) => variant.ops.some((op) => op.op === "redirect"));
  return {
    experiment,
    seed: experiment.seed ?? experiment.id,
    phase,
    period: experiment.allocation ? (period?.id ?? 1) : undefined,
    weighted: experiment.allocation ? periodVariants(experiment, period) : experiment.variants,
    audience: experiment.audience ? compileCondition(experiment.audience, scope) : undefined,
    pages: experiment.pages.map(compilePagePattern),
    exposureSelectors: redirect ? [] : exposureSelectors(experiment),
    exposeOnDecision: redirect,
    visitorSpecificArms: visitorSpecificArms(experiment.variants),
    usesCatalogue: experiment.variants.some((variant) => variant.ops.some(isProductList)),
    usesRecommendations: experiment.variants.some((variant) => variant.ops.some(isRecommendationOp)),
    startsAt: time(experiment.schedule?.start),
    endsAt: time(experiment.schedule?.end),
  };
}

type CompilableSnapshot = Pick<Snapshot, "version" | "experiments" | "killed"> &
  Partial<Pick<Snapshot, "phases" | "settings" | "audiences">>;

/** Named audiences refer to each other by id, looked up when evaluated (validation refuses cycles). */
function compileAudiences(audiences: readonly Audience[], timeZone: string) {
  const tests = new Map<string, AudienceTest>();
  const scope: AudienceScope = { timeZone, audiences: tests };
  const compiled = audiences.map((audience) => {
    const test = compileCondition(audience.condition, scope);
    tests.set(audience.id, test);
    return { audience, test };
  });
  return { scope, compiled };
}

/** Compiles a snapshot once per version: patterns to regular expressions, audiences to closures, pages indexed. */
export function compileRules(snapshot: CompilableSnapshot): CompiledRules {
  const killed = new Set(snapshot.killed);
  const phases = snapshot.phases ?? {};
  const settings: Settings = snapshot.settings ?? DEFAULT_SETTINGS;
  const { scope, compiled: audiences } = compileAudiences(snapshot.audiences ?? [], settings.timeZone);
  const live: CompiledExperiment[] = [];
  const byId = new Map<string, CompiledExperiment>();
  const byExactPath = new Map<string, CompiledExperiment[]>();
  const patterns: Array<{ page: string; value: CompiledExperiment }> = [];
  for (const experiment of snapshot.experiments) {
    if (killed.has(experiment.id)) continue;
    const compiled = compileExperiment(
      experiment,
      phases[experiment.id]?.phase ?? 1,
      scope,
      phases[experiment.id]?.period,
    );
    byId.set(experiment.id, compiled);
    if (experiment.status !== "running" && experiment.status !== "rolled-out") continue;
    live.push(compiled);
    for (const page of new Set(experiment.pages)) {
      if (page.includes("*")) patterns.push({ page, value: compiled });
      else {
        addTo(byExactPath, page, compiled);
        if (page !== "/") addTo(byExactPath, page.endsWith("/") ? page.slice(0, -1) : `${page}/`, compiled);
      }
    }
  }
  const holdout =
    settings.holdout && settings.holdout.share > 0
      ? {
          share: settings.holdout.share,
          seed: settings.holdout.seed,
          phase: phases[GLOBAL_HOLDOUT]?.phase ?? 1,
        }
      : undefined;
  const urlGoals = settings.goals.flatMap((goal) =>
    goal.pages ? [{ id: goal.id, pages: goal.pages.map(compilePagePattern) }] : [],
  );
  const eventGoals = new Set([
    PURCHASE,
    ...settings.goals.filter((goal) => !goal.pages).map((goal) => goal.id),
  ]);
  return {
    version: snapshot.version,
    live,
    byId,
    byExactPath,
    usesCatalogue: live.some((experiment) => experiment.usesCatalogue),
    usesRecommendations: live.some((experiment) => experiment.usesRecommendations),
    byPattern: buildPatternIndex(patterns),
    liveOrder: new Map(live.map((experiment, index) => [experiment, index])),
    holdout,
    redirectHosts: settings.redirectHosts,
    pageCache: {
      enabled: settings.pageCache.enabled,
      maxSeconds: settings.pageCache.maxSeconds,
      ignoreCookiesOn: settings.pageCache.ignoreCookiesOn.map(compilePagePattern),
    },
    eventGoals,
    urlGoals,
    audiences,
    scope,
    taxonomy: compileTaxonomy(settings.taxonomy),
    customer: settings.customer,
    consent: settings.consent,
  };
}

export const EMPTY_RULES: CompiledRules = compileRules({ version: 0, experiments: [], killed: [] });

export function isControl(variant: Variant): boolean {
  return variant.id === CONTROL;
}
