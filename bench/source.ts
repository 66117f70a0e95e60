import { execFileSync } from "node:child_process";

export interface SourceState {
  commit: string;
  /** Files under src/ (and wrangler.toml) that differ from the commit: the run measured the work tree, not HEAD. */
  uncommitted: string[];
}

/** Which code was measured. Uncommitted changes are listed so a figure can be traced to what produced it. */
export function describeSource(): SourceState {
  const git = (...args: string[]) => {
    try {
      return execFileSync("git", args, { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trimEnd();
    } catch {
      return "";
    }
  };
  const uncommitted = git("status", "--porcelain", "--", "src", "wrangler.toml")
    .split("\n")
    .filter((line) => line !== "")
    .map((line) => line.slice(3));
  return { commit: git("rev-parse", "--short", "HEAD") || "unknown", uncommitted };
}

/** A source tree to compare, from a `name=/path/to/tree` argument of the loop benchmarks. */
export interface Tree {
  name: string;
  dir: string;
}

/** The trees named on the command line; none is an error carrying the script's usage line. */
export function treesOf(specs: string[], usage: string): Tree[] {
  const trees = specs.map((spec) => {
    const [name = "", dir = ""] = spec.split("=");
    return { name, dir };
  });
  if (trees.length === 0) throw new Error(`usage: ${usage}`);
  return trees;
}
