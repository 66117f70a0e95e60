import type * as z from "zod";
import { closest } from "./did-you-mean.ts";

/** One problem in one rule file, located by the exact path a person would follow in the JSON. */
export interface RuleProblem {
  file: string;
  path: string;
  message: string;
}

import { formatPath } from "../core/schema/zod-issue.ts";

export { formatPath };

type Issue = z.core.$ZodIssue;

/**
 * A union (an audience condition) that fails reports every branch it tried. When exactly one branch recognised the
 * object's keys, its own problem is the one a person needs ("device[0]: expected mobile, tablet or desktop"),
 * not "not an audience condition".
 */
function specific(
  issue: Issue,
  prefix: PropertyKey[],
): Array<{ path: PropertyKey[]; message: string; issue: Issue }> {
  const path = [...prefix, ...issue.path];
  if (issue.code === "invalid_union") {
    const recognised = issue.errors.filter(
      (branch) => !branch.some((inner) => inner.code === "unrecognized_keys" && inner.path.length === 0),
    );
    const [only] = recognised;
    if (recognised.length === 1 && only) return only.flatMap((inner) => specific(inner, path));
  }
  return [{ path, message: issue.message, issue }];
}

/** The value at a path in the parsed JSON, to see what was written where a problem is reported. */
function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let value = input;
  for (const segment of path) {
    if (value === null || typeof value !== "object") return undefined;
    value = (value as Record<PropertyKey, unknown>)[segment];
  }
  return value;
}

/**
 * "did you mean" for a misspelt option or field: an enum value or op name near one of those allowed, or an unknown key
 * near a required field reported missing beside it (`"primray"` next to a missing `primary`).
 */
function suggestion(issue: Issue, path: PropertyKey[], all: readonly Issue[], input: unknown): string {
  if (issue.code === "invalid_value") {
    const written = valueAt(input, path);
    const allowed = issue.values.filter((value): value is string => typeof value === "string");
    const near = typeof written === "string" ? closest(written, allowed) : undefined;
    return near ? ` — did you mean "${near}"?` : "";
  }
  if (issue.code === "invalid_union" && /discriminator/i.test(issue.message)) {
    const written = valueAt(input, path);
    const allowed = [...issue.message.matchAll(/'([^']+)'/g)].map((match) => match[1] as string);
    const near = typeof written === "string" ? closest(written, allowed) : undefined;
    return near ? ` — did you mean "${near}"?` : "";
  }
  if (issue.code === "unrecognized_keys") {
    const parent = formatPath(path);
    const missing = all
      .filter((other) => other.code === "invalid_type" && other.path.length > 0)
      .filter((other) => formatPath(other.path.slice(0, -1)) === parent)
      .filter((other) => valueAt(input, other.path) === undefined)
      .map((other) => String(other.path.at(-1)));
    const hints = issue.keys.flatMap((key) => {
      const near = closest(key, missing);
      return near ? [`"${near}" for "${key}"`] : [];
    });
    return hints.length > 0 ? ` — did you mean ${hints.join(", ")}?` : "";
  }
  return "";
}

/** Problems from a failed parse; with the parsed JSON as `input`, misspellings get a "did you mean". */
export function problemsFromZod(file: string, error: z.ZodError, input?: unknown): RuleProblem[] {
  return error.issues.flatMap((issue) =>
    specific(issue, []).map((found) => {
      const hint = input === undefined ? "" : suggestion(found.issue, found.path, error.issues, input);
      return { file, path: formatPath(found.path), message: found.message + hint };
    }),
  );
}

export function formatProblem(problem: RuleProblem): string {
  return `${problem.file}: ${problem.path}: ${problem.message}`;
}
