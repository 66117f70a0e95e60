import type { RuleStore } from "../../rules/store.ts";
import type { ArchiveStore } from "../archive/store.ts";

/** Runs SQL against the analytics sink (D1): locally through wrangler's platform proxy, remotely over the REST API. */
export interface SqlRunner {
  query<Row = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<Row[]>;
}

/** Everything a CLI command may touch, opened for one invocation and closed after it. */
export interface Backend {
  /** "local" (the state `wrangler dev` uses) or "remote" (a Cloudflare account). */
  mode: "local" | "remote";
  rules: RuleStore;
  sink: SqlRunner;
  /** The R2 archive bucket (SINK = "r2"), when this backend can reach it: locally, the one `wrangler dev` emulates. */
  archive?: ArchiveStore;
  close(): Promise<void>;
}
