/** ["experiments", 0, "variants", 1, "ops", 0, "selector"] → "experiments[0].variants[1].ops[0].selector" */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = "";
  for (const segment of path) {
    if (typeof segment === "number") out += `[${segment}]`;
    else out += out === "" ? String(segment) : `.${String(segment)}`;
  }
  return out || "(root)";
}

interface IssueLike {
  readonly path: readonly PropertyKey[];
  readonly message: string;
}

/** The first problem of a failed parse, located the way rule errors are: what the CLI and the endpoints show. */
export function firstIssue(error: { readonly issues: readonly IssueLike[] }): {
  path: string;
  message: string;
} {
  const issue = error.issues[0];
  return { path: formatPath(issue?.path ?? []), message: issue?.message ?? "invalid" };
}

/** Up to `most` problems as one line, "path: message; path: message", for a fault log. */
export function describeIssues(issues: readonly IssueLike[], most = 5): string {
  return issues
    .slice(0, most)
    .map((issue) => `${formatPath(issue.path)}: ${issue.message}`)
    .join("; ");
}
