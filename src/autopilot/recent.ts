import type { HistoryEntry } from "../rules/versions.ts";
import { AUTOPILOT_AUTHOR } from "./run.ts";

/** The autopilot's own rules versions in the window, newest first: what `stylist review` lists as recent actions. */
export function recentAutopilotActions(
  entries: readonly HistoryEntry[],
  now: number,
  days: number,
): HistoryEntry[] {
  const since = now - days * 86_400_000;
  return entries.filter((entry) => entry.author === AUTOPILOT_AUTHOR && Date.parse(entry.createdAt) >= since);
}
