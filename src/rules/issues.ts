import type { z } from "zod";

/** One problem in one rule file, located by the exact path a person would follow in the JSON. */
export interface RuleProblem {
  file: string;
  path: string;
  message: string;
}

/** ["experiments", 0, "variants", 1, "ops", 0, "selector"] → "experiments[0].variants[1].ops[0].selector" */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = "";
  for (const segment of path) {
    if (typeof segment === "number") out += `[${segment}]`;
    else out += out === "" ? String(segment) : `.${String(segment)}`;
  }
  return out || "(root)";
}

export function problemsFromZod(file: string, error: z.ZodError): RuleProblem[] {
  return error.issues.map((issue) => ({ file, path: formatPath(issue.path), message: issue.message }));
}

export function formatProblem(problem: RuleProblem): string {
  return `${problem.file}: ${problem.path}: ${problem.message}`;
}
