import { describeIssues } from "../core/schema/zod-issue.ts";
/**
 * Faults are logged as one JSON line with a stable code, so `wrangler tail` and Workers Logs can count them.
 * Messages never include cookie values or other visitor data.
 */
export type FaultCode =
  | "rules_load_failed"
  | "rules_invalid"
  | "secret_missing"
  | "decide_failed"
  | "render_failed"
  | "prepare_timeout"
  | "origin_unreachable"
  | "origin_timeout"
  | "origin_headers_invalid"
  | "op_failed"
  | "exposure_send_failed"
  | "event_invalid"
  | "sink_write_failed"
  | "sink_misconfigured"
  | "archive_flush_failed"
  | "autopilot_failed"
  | "autopilot_alert_failed";

function describe(error: unknown): string {
  if (error && typeof error === "object" && "issues" in error && Array.isArray(error.issues)) {
    return describeIssues(error.issues as Array<{ path: PropertyKey[]; message: string }>);
  }
  return error instanceof Error ? error.message : String(error);
}

export function logFault(code: FaultCode, error: unknown, detail: Record<string, unknown> = {}): void {
  const message = describe(error);
  console.error(JSON.stringify({ stylist: code, message, ...detail }));
}
