import { structuredPatch } from "diff";

/**
 * A unified-style line diff, enough to show what a variant changed in a page: one `@@ line N @@` header per hunk
 * (N is the first changed line of the origin's page), then the lines with `  `, `- ` or `+ ` in front. The `diff`
 * package's Myers algorithm is linear in the size of the pages for a few edits, where a table of every pair of lines
 * grew with their product.
 */
export function lineDiff(before: string, after: string, context = 2): string[] {
  if (before === after) return [];
  const patch = structuredPatch("origin", "served", before, after, "", "", { context });
  return patch.hunks.flatMap((hunk) => {
    const lines = hunk.lines.filter((line) => !line.startsWith("\\"));
    const lead = lines.findIndex((line) => !line.startsWith(" "));
    return [
      `@@ line ${hunk.oldStart + Math.max(0, lead)} @@`,
      ...lines.map((line) => `${line[0] === " " ? " " : line[0]} ${line.slice(1)}`),
    ];
  });
}
