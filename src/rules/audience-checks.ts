import { type Audience, type Condition, MIN_EVIDENCE } from "../core/schema/audience.ts";
import type { Settings } from "../core/schema/settings.ts";
import type { Located } from "./cross-checks.ts";
import type { RuleProblem } from "./issues.ts";

export interface LocatedAudience {
  audience: Audience;
  file: string;
  at: (...path: PropertyKey[]) => string;
}

/** Every leaf of a condition tree with its path inside the tree. */
function* leaves(condition: Condition, path: PropertyKey[]): Generator<[Condition, PropertyKey[]]> {
  if ("all" in condition)
    for (const [i, inner] of condition.all.entries()) yield* leaves(inner, [...path, "all", i]);
  else if ("any" in condition)
    for (const [i, inner] of condition.any.entries()) yield* leaves(inner, [...path, "any", i]);
  else if ("not" in condition) yield* leaves(condition.not, [...path, "not"]);
  else yield [condition, path];
}

/**
 * Audiences are checked as a set: unique ids, references that exist and do not loop, and behavioural conditions
 * that can actually be met — thresholds of at least MIN_EVIDENCE views (one stray click is not intent), categories
 * the store declares, and a page taxonomy to record views at all.
 */
export function checkAudiences(
  audiences: readonly LocatedAudience[],
  experiments: readonly Located[],
  settings: Settings,
  settingsFile: string | undefined,
) {
  const errors: RuleProblem[] = [];
  const warnings: RuleProblem[] = [];
  const byId = new Map<string, LocatedAudience>();
  for (const entry of audiences) {
    const earlier = byId.get(entry.audience.id);
    if (earlier)
      errors.push({
        file: entry.file,
        path: entry.at("id"),
        message: `audience "${entry.audience.id}" is also defined in ${earlier.file}`,
      });
    else byId.set(entry.audience.id, entry);
  }
  const categories = settings.categories ? new Set(settings.categories) : undefined;
  const hasCategoryPages = settings.taxonomy.some(
    (entry) => entry.type === "category" || entry.type === "product",
  );
  const check = (
    condition: Condition,
    file: string,
    at: (...path: PropertyKey[]) => string,
    base: PropertyKey[],
  ) => {
    for (const [leaf, path] of leaves(condition, base)) {
      if ("audience" in leaf && !byId.has(leaf.audience)) {
        errors.push({
          file,
          path: at(...path, "audience"),
          message: `no audience "${leaf.audience}" is defined`,
        });
      }
      if ("viewedCategory" in leaf) {
        const { category, atLeast } = leaf.viewedCategory;
        const where = at(...path, "viewedCategory");
        if (atLeast < MIN_EVIDENCE) {
          warnings.push({
            file,
            path: `${where}.atLeast`,
            message: `${atLeast} view is weak evidence of intent; use ${MIN_EVIDENCE} or more`,
          });
        }
        if (categories && !categories.has(category)) {
          warnings.push({
            file,
            path: `${where}.category`,
            message: `"${category}" is not in settings.categories`,
          });
        }
        if (!hasCategoryPages) {
          warnings.push({
            file,
            path: where,
            message: "settings.taxonomy has no category or product pages, so no views are ever recorded",
          });
        }
      }
    }
  };
  if (settings.customer && !settings.customer.secretVar && settingsFile) {
    warnings.push({
      file: settingsFile,
      path: "settings.customer",
      message:
        "without secretVar any visitor can set the customer cookie or header themselves; sign it for decisions that matter",
    });
  }
  for (const entry of audiences) check(entry.audience.condition, entry.file, entry.at, ["condition"]);
  for (const entry of experiments)
    if (entry.experiment.audience) check(entry.experiment.audience, entry.file, entry.at, ["audience"]);
  for (const entry of audiences) {
    const cycle = findCycle(entry.audience.id, byId, []);
    if (cycle)
      errors.push({
        file: entry.file,
        path: entry.at("condition"),
        message: `audiences refer to each other in a loop: ${cycle.join(" → ")}`,
      });
  }
  return { errors, warnings };
}

function findCycle(
  id: string,
  byId: ReadonlyMap<string, LocatedAudience>,
  trail: string[],
): string[] | undefined {
  if (trail.includes(id)) return trail[0] === id ? [...trail, id] : undefined;
  const entry = byId.get(id);
  if (!entry) return undefined;
  for (const [leaf] of leaves(entry.audience.condition, [])) {
    if ("audience" in leaf) {
      const found = findCycle(leaf.audience, byId, [...trail, id]);
      if (found) return found;
    }
  }
  return undefined;
}
