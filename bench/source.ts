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
