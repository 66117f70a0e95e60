import type { Experiment } from "../core/schema/experiment.ts";
import { formatPath } from "./issues.ts";

export interface ValueChange {
  path: string;
  before: unknown;
  after: unknown;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Leaf-level differences between two JSON values, each with the path a person would follow in the rule file. */
export function diffValues(before: unknown, after: unknown, path: PropertyKey[] = []): ValueChange[] {
  if (Array.isArray(before) && Array.isArray(after)) {
    const changes: ValueChange[] = [];
    for (let i = 0; i < Math.max(before.length, after.length); i++) {
      changes.push(...diffValues(before[i], after[i], [...path, i]));
    }
    return changes;
  }
  if (isObject(before) && isObject(after)) {
    const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])];
    return keys.flatMap((key) => diffValues(before[key], after[key], [...path, key]));
  }
  return JSON.stringify(before) === JSON.stringify(after) ? [] : [{ path: formatPath(path), before, after }];
}

export interface RulesDiff {
  added: string[];
  removed: string[];
  changed: Array<{ id: string; changes: ValueChange[] }>;
  unchanged: string[];
}

/** Compares two rule sets experiment by experiment, matched by id. */
export function diffExperiments(before: readonly Experiment[], after: readonly Experiment[]): RulesDiff {
  const previous = new Map(before.map((experiment) => [experiment.id, experiment]));
  const next = new Map(after.map((experiment) => [experiment.id, experiment]));
  const result: RulesDiff = { added: [], removed: [], changed: [], unchanged: [] };
  for (const [id, experiment] of next) {
    const old = previous.get(id);
    if (!old) result.added.push(id);
    else {
      const changes = diffValues(old, experiment);
      if (changes.length > 0) result.changed.push({ id, changes });
      else result.unchanged.push(id);
    }
  }
  for (const id of previous.keys()) if (!next.has(id)) result.removed.push(id);
  return result;
}

export function isEmptyDiff(diff: RulesDiff): boolean {
  return diff.added.length + diff.removed.length + diff.changed.length === 0;
}
