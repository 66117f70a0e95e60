import type * as z from "zod";

/** One problem in one rule file, located by the exact path a person would follow in the JSON. */
export interface RuleProblem {
  file: string;
  path: string;
  message: string;
}

import { formatPath } from "../core/zod-issue.ts";

export { formatPath };

type Issue = z.core.$ZodIssue;

/**
 * A union (an audience condition) that fails reports every branch it tried. When exactly one branch recognised the
 * object's keys, its own problem is the one a person needs ("device[0]: expected mobile, tablet or desktop"),
 * not "not an audience condition".
 */
function specific(issue: Issue, prefix: PropertyKey[]): Array<{ path: PropertyKey[]; message: string }> {
  const path = [...prefix, ...issue.path];
  if (issue.code === "invalid_union") {
    const recognised = issue.errors.filter(
      (branch) => !branch.some((inner) => inner.code === "unrecognized_keys" && inner.path.length === 0),
    );
    const [only] = recognised;
    if (recognised.length === 1 && only) return only.flatMap((inner) => specific(inner, path));
  }
  return [{ path, message: issue.message }];
}

export function problemsFromZod(file: string, error: z.ZodError): RuleProblem[] {
  return error.issues.flatMap((issue) =>
    specific(issue, []).map((found) => ({ file, path: formatPath(found.path), message: found.message })),
  );
}

export function formatProblem(problem: RuleProblem): string {
  return `${problem.file}: ${problem.path}: ${problem.message}`;
}
