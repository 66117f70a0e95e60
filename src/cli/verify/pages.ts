import { compilePagePattern } from "../../core/decide/page-pattern.ts";
import type { Experiment } from "../../core/schema/experiment.ts";

export interface PagesToVerify {
  paths: string[];
  /** Wildcard patterns no `--page` example matched: nothing to fetch for them. */
  unexampled: string[];
}

/**
 * Literal page patterns are fetched as they are; a wildcard pattern (`/products/*`) is verified on the `--page`
 * paths it matches, since only the shop knows which of its products are worth a look.
 */
export function pagesToVerify(experiment: Experiment, examples: readonly string[]): PagesToVerify {
  const paths = new Set<string>();
  const unexampled: string[] = [];
  for (const pattern of experiment.pages) {
    if (!pattern.includes("*")) {
      paths.add(pattern);
      continue;
    }
    const matcher = compilePagePattern(pattern);
    const matching = examples.filter((example) => matcher.test(example.split("?")[0] as string));
    if (matching.length === 0) unexampled.push(pattern);
    for (const example of matching) paths.add(example);
  }
  return { paths: [...paths], unexampled };
}
