/**
 * A unified-style line diff (longest common subsequence), enough to show what a variant changed in a page.
 * Common prefix and suffix are trimmed first, so a 130 KB page with a few local edits stays cheap.
 */
export function lineDiff(before: string, after: string, context = 2): string[] {
  const a = before.split("\n");
  const b = after.split("\n");
  let start = 0;
  while (start < a.length && start < b.length && a[start] === b[start]) start++;
  let endA = a.length;
  let endB = b.length;
  while (endA > start && endB > start && a[endA - 1] === b[endB - 1]) {
    endA--;
    endB--;
  }
  const midA = a.slice(start, endA);
  const midB = b.slice(start, endB);
  // lcs[i * width + j] = length of the longest common subsequence of midA[i..] and midB[j..]
  const width = midB.length + 1;
  const lcs = new Uint32Array((midA.length + 1) * width);
  const at = (i: number, j: number) => lcs[i * width + j] ?? 0;
  for (let i = midA.length - 1; i >= 0; i--) {
    for (let j = midB.length - 1; j >= 0; j--) {
      lcs[i * width + j] = midA[i] === midB[j] ? at(i + 1, j + 1) + 1 : Math.max(at(i + 1, j), at(i, j + 1));
    }
  }
  const body: string[] = [];
  let i = 0;
  let j = 0;
  while (i < midA.length || j < midB.length) {
    if (i < midA.length && j < midB.length && midA[i] === midB[j]) {
      body.push(`  ${midA[i]}`);
      i++;
      j++;
    } else if (i < midA.length && (j >= midB.length || at(i + 1, j) >= at(i, j + 1))) {
      body.push(`- ${midA[i]}`);
      i++;
    } else {
      body.push(`+ ${midB[j]}`);
      j++;
    }
  }
  if (body.length === 0) return [];
  const lead = a.slice(Math.max(0, start - context), start).map((line) => `  ${line}`);
  const tail = a.slice(endA, endA + context).map((line) => `  ${line}`);
  return [`@@ line ${start + 1} @@`, ...lead, ...body, ...tail];
}
