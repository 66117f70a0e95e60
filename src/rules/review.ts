import { MISS_SAMPLE_RATE } from "../core/page-view/exposures.ts";
import type { Snapshot } from "../core/schema/snapshot.ts";

/** Exposures and (sampled) misses per experiment and phase over the review window, read from the sink. */
export interface ActivityRow {
  experiment: string;
  phase: number;
  type: string;
  n: number;
  last: number;
}

export interface Finding {
  experiment: string;
  kind: "overdue" | "schedule-ended" | "targets-missing" | "no-exposures" | "killed";
  message: string;
}

const DAY_MS = 86_400_000;

/**
 * Rules that made sense months ago: experiments past their planned run, whose schedule ended, whose targets stopped
 * rendering (the origin changed), that nobody has been exposed to lately (an audience that matches no one, a page
 * that is gone), or that were killed and left in the rules.
 */
export function reviewRules(
  snapshot: Snapshot,
  activity: readonly ActivityRow[],
  now: number,
  windowDays: number,
): Finding[] {
  const findings: Finding[] = [];
  const killed = new Set(snapshot.killed);
  for (const experiment of snapshot.experiments) {
    const { id } = experiment;
    if (killed.has(id)) {
      findings.push({
        experiment: id,
        kind: "killed",
        message: "killed and still in the rules: fix it and revive it, or remove it",
      });
      continue;
    }
    if (experiment.status !== "running" && experiment.status !== "rolled-out") continue;
    const phase = snapshot.phases[id];
    const since = phase ? Date.parse(phase.since) : Number.NaN;
    const ageDays = Number.isNaN(since) ? undefined : (now - since) / DAY_MS;
    if (
      experiment.status === "running" &&
      experiment.plannedDays &&
      ageDays !== undefined &&
      ageDays > experiment.plannedDays
    ) {
      findings.push({
        experiment: id,
        kind: "overdue",
        message: `running ${Math.floor(ageDays)} days in phase ${phase?.phase}, past its planned ${experiment.plannedDays}: decide it`,
      });
    }
    const end = experiment.schedule?.end ? Date.parse(experiment.schedule.end) : undefined;
    if (end !== undefined && end <= now) {
      findings.push({
        experiment: id,
        kind: "schedule-ended",
        message: `its schedule ended ${experiment.schedule?.end}; set a final status`,
      });
      continue;
    }
    const current = activity.filter((row) => row.experiment === id && row.phase === (phase?.phase ?? 1));
    const exposures = current.filter((row) => row.type === "exposure").reduce((sum, row) => sum + row.n, 0);
    const misses =
      current.filter((row) => row.type === "miss").reduce((sum, row) => sum + row.n, 0) * MISS_SAMPLE_RATE;
    if (misses > 0 && misses >= exposures) {
      const share = Math.round((100 * misses) / (misses + exposures));
      findings.push({
        experiment: id,
        kind: "targets-missing",
        message: `its targets were missing from ~${share}% of the pages it was decided on (~${misses} of ${misses + exposures}): has the page changed?`,
      });
    } else if (exposures === 0 && (ageDays === undefined || ageDays >= windowDays)) {
      findings.push({
        experiment: id,
        kind: "no-exposures",
        message: `no exposures in ${windowDays} days: does its audience still match anyone, and do its pages still exist?`,
      });
    }
  }
  return findings;
}
