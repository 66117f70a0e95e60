/**
 * Per-arm sufficient statistics of an experiment's current phase, in SQL on the D1 sink, counted as the report
 * counts (docs/report.md): a visitor's first exposure in the phase fixes their arm (intention to treat; SQLite
 * gives the bare `variant` of the MIN(ts) row), and a goal counts once per visitor when converted at or after it.
 */

import type { Snapshot } from "../core/schema/snapshot.ts";
import type { SqlQuery } from "../report/sink-source.ts";
import { autopilotSettingsOf, type PhaseStats, watchedExperiments } from "./decide.ts";

const FIRST =
  "WITH first AS (SELECT visitor, variant, MIN(ts) AS ts FROM events WHERE type='exposure' AND experiment=?1 AND phase=?2 GROUP BY visitor)";

const ARMS = `${FIRST} SELECT variant, COUNT(*) AS visitors FROM first GROUP BY variant`;

const CONVERTED = `${FIRST} SELECT f.variant AS variant, c.goal AS goal, COUNT(DISTINCT f.visitor) AS converted FROM first f JOIN conversions c ON c.visitor=f.visitor AND c.ts>=f.ts WHERE c.goal IN (SELECT value FROM json_each(?3)) GROUP BY f.variant, c.goal`;

// A bandit's visitors by the period they were assigned in (on their first exposure) and arm, with the metric.
const BY_PERIOD =
  "WITH first AS (SELECT visitor, variant, period, MIN(ts) AS ts FROM events WHERE type='exposure' AND experiment=?1 AND phase=?2 GROUP BY visitor) SELECT COALESCE(f.period, 1) AS period, f.variant AS variant, COUNT(*) AS visitors, SUM(EXISTS(SELECT 1 FROM conversions c WHERE c.visitor=f.visitor AND c.ts>=f.ts AND c.goal=?3)) AS converted FROM first f GROUP BY 1, 2";

// One row per visitor and arm since migrations/0004: views counts the exposures folded in, last_seen the latest.
const WINDOW =
  "SELECT type, SUM(views) AS n FROM events WHERE experiment=?1 AND phase=?2 AND COALESCE(last_seen, ts)>=?3 GROUP BY type";

async function phaseStats(
  sink: SqlQuery,
  experiment: string,
  phase: number,
  goals: readonly string[],
  windowSince: number,
  banditMetric: string | undefined,
): Promise<PhaseStats> {
  const [arms, converted, window] = await Promise.all([
    sink.query<{ variant: string; visitors: number }>(ARMS, [experiment, phase]),
    sink.query<{ variant: string; goal: string; converted: number }>(CONVERTED, [
      experiment,
      phase,
      JSON.stringify(goals),
    ]),
    sink.query<{ type: string; n: number }>(WINDOW, [experiment, phase, windowSince]),
  ]);
  const byArm: Record<string, { visitors: number; converted: Record<string, number> }> = {};
  for (const row of arms) byArm[row.variant] = { visitors: Number(row.visitors), converted: {} };
  for (const row of converted) {
    const arm = byArm[row.variant];
    if (arm) arm.converted[row.goal] = Number(row.converted);
  }
  const count = (type: string) => Number(window.find((row) => row.type === type)?.n ?? 0);
  const stats: PhaseStats = {
    phase,
    arms: byArm,
    window: { exposures: count("exposure"), misses: count("miss") },
  };
  if (banditMetric === undefined) return stats;
  const periods = await sink.query<{ period: number; variant: string; visitors: number; converted: number }>(
    BY_PERIOD,
    [experiment, phase, banditMetric],
  );
  return {
    ...stats,
    periods: periods.map((row) => ({
      period: Number(row.period),
      arm: row.variant,
      visitors: Number(row.visitors),
      converted: Number(row.converted),
    })),
  };
}

/** The statistics of every experiment the autopilot watches, one experiment at a time (D1 runs queries serially). */
export async function snapshotStats(
  sink: SqlQuery,
  snapshot: Snapshot,
  now: number,
): Promise<Map<string, PhaseStats>> {
  const settings = autopilotSettingsOf(snapshot);
  const stats = new Map<string, PhaseStats>();
  for (const experiment of watchedExperiments(snapshot)) {
    const phase = snapshot.phases[experiment.id];
    if (!phase) continue;
    const since = Math.max(Date.parse(phase.since) || 0, now - settings.driftWindowHours * 3_600_000);
    const goals = [experiment.metrics.primary, ...experiment.metrics.guardrails];
    stats.set(
      experiment.id,
      await phaseStats(sink, experiment.id, phase.phase, goals, since, experiment.allocation?.metric),
    );
  }
  return stats;
}
