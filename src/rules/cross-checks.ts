import { compilePagePattern } from "../core/decide/page-pattern.ts";
import { isBroadSelector } from "../core/html/selector.ts";
import type { Experiment } from "../core/schema/experiment.ts";
import { PURCHASE } from "../core/schema/goals.ts";
import { editedSelectors, opSelector } from "../core/schema/ops.ts";
import type { Settings } from "../core/schema/settings.ts";
import type { RuleProblem } from "./issues.ts";

/** An experiment with where it came from, so every problem names a file and a path. */
export interface Located {
  experiment: Experiment;
  file: string;
  at: (...path: PropertyKey[]) => string;
}

/** A path a page pattern matches, standing in for the pattern when testing whether two patterns overlap. */
function samplePath(pattern: string): string {
  return pattern.replace(/\*\*/g, "x/y").replace(/\*/g, "x");
}

/** Two page lists overlap when some path could match both: tested on sample paths of each pattern. */
function pagesOverlap(a: readonly string[], b: readonly string[]): boolean {
  const matches = (patterns: readonly string[], path: string) =>
    patterns.some((p) => compilePagePattern(p).test(path));
  return (
    a.some((pattern) => matches(b, samplePath(pattern))) ||
    b.some((pattern) => matches(a, samplePath(pattern)))
  );
}

const rangesOverlap = (a: { start: number; end: number }, b: { start: number; end: number }) =>
  a.start < b.end && b.start < a.end;

/** Checks that need the whole rule set: unique ids, layers, edits that would collide, redirect targets. */
export function checkRuleSet(located: readonly Located[], settings: Settings) {
  const errors: RuleProblem[] = [];
  const warnings: RuleProblem[] = [];
  const firstSeen = new Map<string, Located>();
  const goals = new Set([PURCHASE, ...settings.goals.map((goal) => goal.id)]);
  const undirected = new Set(
    settings.goals.filter((goal) => goal.direction === undefined).map((goal) => goal.id),
  );
  located.forEach((entry, index) => {
    const { experiment, file, at } = entry;
    const { primary, secondary, guardrails } = experiment.metrics;
    guardrails.forEach((goal, i) => {
      if (!undirected.has(goal) || goal === PURCHASE) return;
      errors.push({
        file,
        path: at("metrics", "guardrails", i),
        message: `"${goal}" is a guardrail, so its goal needs a direction: add "direction": "increase" or "decrease" to it in settings.goals`,
      });
    });
    for (const [path, goal] of [
      [at("metrics", "primary"), primary],
      ...secondary.map((goal, i) => [at("metrics", "secondary", i), goal]),
      ...guardrails.map((goal, i) => [at("metrics", "guardrails", i), goal]),
    ] as Array<[string, string]>) {
      if (!goals.has(goal)) {
        errors.push({
          file,
          path,
          message: `"${goal}" is not a goal: declare it in settings.goals (known: ${[...goals].join(", ")})`,
        });
      }
    }
    const earlier = firstSeen.get(experiment.id);
    if (earlier) {
      errors.push({
        file,
        path: at("id"),
        message: `"${experiment.id}" is also defined in ${earlier.file} at ${earlier.at()}`,
      });
    } else firstSeen.set(experiment.id, entry);

    experiment.variants.forEach((variant, v) => {
      variant.ops.forEach((op, o) => {
        if (op.op === "redirect") {
          const problem = redirectProblem(op.url, experiment, settings);
          if (problem) errors.push({ file, path: at("variants", v, "ops", o, "url"), message: problem });
          return;
        }
        const selector = opSelector(op);
        if (selector && op.op !== "addStyle" && isBroadSelector(selector)) {
          warnings.push({
            file,
            path: at("variants", v, "ops", o, "selector"),
            message: `"${selector}" ends in a bare tag, which may match hundreds of elements, each costing time; prefer an id or class`,
          });
        }
      });
    });

    if (experiment.target && isBroadSelector(experiment.target)) {
      warnings.push({
        file,
        path: at("target"),
        message: `"${experiment.target}" ends in a bare tag: it may match on pages where the tested area is absent`,
      });
    }

    for (const other of located.slice(0, index)) {
      if (other.experiment.id === experiment.id) continue;
      const problem = collision(other.experiment, experiment);
      if (problem)
        errors.push({
          file,
          path: at(problem.field),
          message: `${problem.message} "${other.experiment.id}" (${other.file})`,
        });
    }
  });
  return { errors, warnings };
}

function collision(earlier: Experiment, later: Experiment): { field: string; message: string } | undefined {
  if (!pagesOverlap(earlier.pages, later.pages)) return undefined;
  if (earlier.layer && later.layer && earlier.layer.id === later.layer.id) {
    return rangesOverlap(earlier.layer, later.layer)
      ? { field: "layer", message: "its layer range overlaps, so a visitor could be in both it and" }
      : undefined;
  }
  if (earlier.allowOverlap || later.allowOverlap) return undefined;
  const shared = [...editedSelectors(later.variants)].filter((selector) =>
    editedSelectors(earlier.variants).has(selector),
  );
  if (shared.length === 0) return undefined;
  return {
    field: "variants",
    message: `it edits ${shared.map((s) => `"${s}"`).join(", ")} on the same pages as, and in a different layer from,`,
  };
}

function redirectProblem(url: string, experiment: Experiment, settings: Settings): string | undefined {
  const target = new URL(url, "https://storefront.invalid");
  if (target.host !== "storefront.invalid" && !settings.redirectHosts.includes(target.hostname)) {
    return `${target.hostname} is not in settings.redirectHosts; redirects stay on the storefront or allowed hosts`;
  }
  if (
    target.host === "storefront.invalid" &&
    experiment.pages.some((page) => compilePagePattern(page).test(target.pathname))
  ) {
    return `${target.pathname} is one of this experiment's own pages, so visitors would be redirected in a loop`;
  }
  return undefined;
}
