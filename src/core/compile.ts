import { type AudienceTest, compileCondition } from "./audience.ts";
import { compilePagePattern } from "./page-pattern.ts";
import { CONTROL, type Experiment, type Variant } from "./schema/experiment.ts";
import { opSelector } from "./schema/ops.ts";
import type { Snapshot } from "./schema/snapshot.ts";
import { hasPlaceholders } from "./template.ts";

export interface CompiledExperiment {
  experiment: Experiment;
  seed: string;
  audience: AudienceTest | undefined;
  /** Selectors whose presence in the page counts as an exposure, identical for every arm. */
  exposureSelectors: string[];
  usesPlaceholders: boolean;
}

export interface CompiledRules {
  version: number;
  /** Running experiments only; everything else serves the control and is never looked at per request. */
  live: CompiledExperiment[];
  /** Exact page paths → experiments, so most pages find their candidates with one map lookup. */
  byExactPath: Map<string, CompiledExperiment[]>;
  /** Experiments with wildcard page patterns, tested in order. */
  byPattern: Array<{ pattern: RegExp; experiment: CompiledExperiment }>;
}

function exposureSelectors(experiment: Experiment): string[] {
  if (experiment.target) return [experiment.target];
  const selectors = new Set<string>();
  for (const variant of experiment.variants) for (const op of variant.ops) selectors.add(opSelector(op));
  return [...selectors];
}

function usesPlaceholders(variants: readonly Variant[]): boolean {
  return variants.some((variant) =>
    variant.ops.some((op) =>
      Object.values(op).some((value) => typeof value === "string" && hasPlaceholders(value)),
    ),
  );
}

function addTo<K, V>(map: Map<K, V[]>, key: K, value: V) {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

export function compileRules(snapshot: Pick<Snapshot, "version" | "experiments" | "killed">): CompiledRules {
  const killed = new Set(snapshot.killed);
  const live: CompiledExperiment[] = [];
  const byExactPath = new Map<string, CompiledExperiment[]>();
  const byPattern: CompiledRules["byPattern"] = [];
  for (const experiment of snapshot.experiments) {
    if (experiment.status !== "running" || killed.has(experiment.id)) continue;
    const compiled: CompiledExperiment = {
      experiment,
      seed: experiment.seed ?? experiment.id,
      audience: experiment.audience ? compileCondition(experiment.audience) : undefined,
      exposureSelectors: exposureSelectors(experiment),
      usesPlaceholders: usesPlaceholders(experiment.variants),
    };
    live.push(compiled);
    for (const page of new Set(experiment.pages)) {
      if (page.includes("*")) byPattern.push({ pattern: compilePagePattern(page), experiment: compiled });
      else {
        addTo(byExactPath, page, compiled);
        if (page !== "/" && page.endsWith("/")) addTo(byExactPath, page.slice(0, -1), compiled);
        else if (page !== "/") addTo(byExactPath, `${page}/`, compiled);
      }
    }
  }
  return { version: snapshot.version, live, byExactPath, byPattern };
}

export const EMPTY_RULES: CompiledRules = compileRules({ version: 0, experiments: [], killed: [] });

export function isControl(variant: Variant): boolean {
  return variant.id === CONTROL;
}
