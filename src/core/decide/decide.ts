import { HOLDOUT, type Variant } from "../schema/experiment.ts";
import type { VisitorContext } from "../visitor/context.ts";
import { assignVariant } from "./assign.ts";
import type { CompiledExperiment, CompiledRules } from "./compile.ts";
import { isControl } from "./compile.ts";
import type { Decision } from "./decision.ts";
import { bucket } from "./hash.ts";
import { matchPatterns } from "./pattern-index.ts";
import { applyProgrammeHoldout } from "./programme-holdout.ts";

export type { Decision };

/** Experiments whose page patterns cover this path, in rule order, each once. */
export function candidatesFor(rules: CompiledRules, path: string): CompiledExperiment[] {
  const exact = rules.byExactPath.get(path) ?? [];
  const found = new Set(exact);
  matchPatterns(rules.byPattern, path, (experiment) => found.add(experiment));
  if (found.size === exact.length) return exact;
  const order = (experiment: CompiledExperiment) => rules.liveOrder.get(experiment) ?? 0;
  return [...found].sort((a, b) => order(a) - order(b));
}

export type Exclusion = "schedule" | "layer" | "audience" | "coverage";

export interface Evaluation {
  compiled: CompiledExperiment;
  decision: Decision | undefined;
  excludedBy: Exclusion | undefined;
  bucket: number;
}

function decision(compiled: CompiledExperiment, variant: Variant, arm: string, position: number): Decision {
  return { compiled, variant, arm, control: isControl(variant), bucket: position };
}

function controlOf(compiled: CompiledExperiment): Variant {
  return compiled.experiment.variants.find(isControl) as Variant;
}

/**
 * One experiment for one visitor, in the order that keeps allocation clean: schedule, layer, audience, then the
 * experiment's own holdout, then the arm. Every step hashes the visitor id with a different seed, so the steps are
 * independent of each other.
 */
export function assign(compiled: CompiledExperiment, context: VisitorContext): Decision | Exclusion {
  const { experiment } = compiled;
  if (
    (compiled.startsAt !== undefined && context.now < compiled.startsAt) ||
    (compiled.endsAt !== undefined && context.now >= compiled.endsAt)
  ) {
    return "schedule";
  }
  if (experiment.layer) {
    const position = bucket(`layer:${experiment.layer.id}`, context.visitorId);
    if (position < experiment.layer.start || position >= experiment.layer.end) return "layer";
  }
  if (compiled.audience && !compiled.audience(context)) return "audience";
  const position = bucket(compiled.seed, context.visitorId);
  if (experiment.holdout > 0 && bucket(`${compiled.seed}:holdout`, context.visitorId) < experiment.holdout) {
    const held = decision(compiled, controlOf(compiled), HOLDOUT, position);
    return compiled.period === undefined ? held : { ...held, period: compiled.period };
  }
  if (experiment.status === "rolled-out") {
    const rolledOut = experiment.variants.find((variant) => variant.id === experiment.rollout);
    if (rolledOut) return decision(compiled, rolledOut, rolledOut.id, position);
  }
  if (compiled.period !== undefined) return assignBandit(compiled, context, position);
  const variant = assignVariant(experiment.variants, experiment.coverage, position);
  return variant ? decision(compiled, variant, variant.id, position) : "coverage";
}

/**
 * A bandit: a visitor assigned before in this phase keeps that arm and the period it was assigned in, whatever the
 * weights are now (the profile remembers it); anyone else is bucketed by the current period's weights and marked
 * fresh so the profile records it. Only new assignments follow the reweights, so nobody already in ever moves.
 */
function assignBandit(
  compiled: CompiledExperiment,
  context: VisitorContext,
  position: number,
): Decision | Exclusion {
  const kept = context.assigned?.[compiled.experiment.id];
  if (kept && kept.phase === compiled.phase) {
    const variant = compiled.experiment.variants.find((candidate) => candidate.id === kept.arm);
    if (variant) return { ...decision(compiled, variant, variant.id, position), period: kept.period };
  }
  const variant = assignVariant(compiled.weighted, compiled.experiment.coverage, position);
  if (!variant) return "coverage";
  return { ...decision(compiled, variant, variant.id, position), period: compiled.period, fresh: true };
}

/** Evaluates every live experiment on the page, keeping why a visitor was left out (for `stylist simulate`). */
export function evaluate(context: VisitorContext, rules: CompiledRules): Evaluation[] {
  return candidatesFor(rules, context.path).map((compiled) => {
    const result = assign(compiled, context);
    const position = bucket(compiled.seed, context.visitorId);
    return typeof result === "string"
      ? { compiled, decision: undefined, excludedBy: result, bucket: position }
      : { compiled, decision: result, excludedBy: undefined, bucket: result.bucket };
  });
}

export interface DecideOptions {
  /** Preview: experiment id → arm, forced for this request whatever the experiment's status or targeting. */
  preview?: ReadonlyMap<string, string>;
}

function forced(
  context: VisitorContext,
  rules: CompiledRules,
  preview: ReadonlyMap<string, string>,
): Decision[] {
  const decisions: Decision[] = [];
  for (const [id, arm] of preview) {
    const compiled = rules.byId.get(id);
    const variant = compiled?.experiment.variants.find((candidate) => candidate.id === arm);
    if (!compiled || !variant || !compiled.pages.some((page) => page.test(context.path))) continue;
    decisions.push(decision(compiled, variant, variant.id, bucket(compiled.seed, context.visitorId)));
  }
  return decisions;
}

/** The arms this visitor gets on this page. Empty means the page is served exactly as the origin sent it. */
export function decide(
  context: VisitorContext,
  rules: CompiledRules,
  options: DecideOptions = {},
): Decision[] {
  const decisions: Decision[] = [];
  const preview = options.preview;
  // A previewed experiment holds its layer, as a real visitor in it would: no layer-mate may edit the same area.
  const previewLayers = new Set<string>();
  if (preview && preview.size > 0) {
    for (const decision of forced(context, rules, preview)) {
      decisions.push(decision);
      if (decision.compiled.experiment.layer) previewLayers.add(decision.compiled.experiment.layer.id);
    }
  }
  for (const compiled of candidatesFor(rules, context.path)) {
    if (preview?.has(compiled.experiment.id)) continue;
    if (compiled.experiment.layer && previewLayers.has(compiled.experiment.layer.id)) continue;
    const result = assign(compiled, context);
    if (typeof result !== "string") decisions.push(result);
  }
  return preview && preview.size > 0 ? decisions : applyProgrammeHoldout(rules, decisions, context.visitorId);
}

/**
 * For visitors Stylist must not identify or log (bots, objections, no consent): no test arms, but a rolled-out winner
 * is now simply the site's content, so they get it too — serving crawlers something other than what people see would
 * be cloaking.
 */
export function decideRolledOut(context: VisitorContext, rules: CompiledRules): Decision[] {
  const decisions: Decision[] = [];
  for (const compiled of candidatesFor(rules, context.path)) {
    const { experiment } = compiled;
    if (experiment.status !== "rolled-out" || (compiled.audience && !compiled.audience(context))) continue;
    const rolledOut = experiment.variants.find((variant) => variant.id === experiment.rollout);
    if (rolledOut) decisions.push(decision(compiled, rolledOut, rolledOut.id, 0));
  }
  return decisions;
}
