import type { Contestant } from "./contestants.ts";
import { perRequest } from "./counters.ts";
import type { ContestantResult, LoadResult } from "./results.ts";
import type { LoadRounds } from "./rounds.ts";
import type { FirstByteResult, FullPageResult } from "./sequential.ts";
import { median, round } from "./stats.ts";

export interface Measured {
  load: Map<string, LoadRounds>;
  fullPage: Map<string, FullPageResult>;
  firstByte: Map<string, FirstByteResult>;
}

function summarise(rounds: LoadRounds): LoadResult {
  const { samples } = rounds;
  const sum = (pick: (s: (typeof samples)[number]) => number) =>
    samples.reduce((total, s) => total + pick(s), 0);
  return {
    requestsPerSecond: round(median(samples.map((s) => s.requestsPerSecond)), 1),
    workerdCpuMsPerRequest: samples.some((s) => s.workerdCpuMsPerRequest === null)
      ? null
      : round(median(samples.map((s) => s.workerdCpuMsPerRequest as number)), 3),
    latencyP50Ms: median(samples.map((s) => s.latencyP50Ms)),
    latencyP99Ms: median(samples.map((s) => s.latencyP99Ms)),
    latencyMeanMs: round(median(samples.map((s) => s.latencyMeanMs))),
    roundsRequestsPerSecond: samples.map((s) => s.requestsPerSecond),
    requests: sum((s) => s.requests),
    errors: sum((s) => s.errors),
    non2xx: sum((s) => s.non2xx),
  };
}

/** Median over rounds of the ratio within each round, where both rows ran minutes apart at most. */
function ratio(mine: LoadRounds, theirs: LoadRounds | undefined): number {
  if (!theirs) return Number.NaN;
  const ratios = mine.samples.map(
    (s, i) => s.requestsPerSecond / (theirs.samples[i]?.requestsPerSecond ?? Number.NaN),
  );
  return round(median(ratios), 3);
}

export function assemble(
  contestants: readonly Contestant[],
  floorPath: string,
  measured: Measured,
): ContestantResult[] {
  return contestants.map((contestant) => {
    const rounds = measured.load.get(contestant.id) as LoadRounds;
    const fullPage = measured.fullPage.get(contestant.id) as FullPageResult;
    const firstByte = measured.firstByte.get(contestant.id);
    return {
      id: contestant.id,
      label: contestant.label,
      group: contestant.group,
      path: contestant.path,
      ...(contestant.rules !== undefined ? { rules: contestant.rules } : {}),
      ...(contestant.eligible !== undefined ? { eligible: contestant.eligible } : {}),
      ...(contestant.ops !== undefined ? { ops: contestant.ops } : {}),
      load: summarise(rounds),
      ratioToPassthrough: ratio(rounds, measured.load.get(contestant.passthroughId)),
      ratioToFloor: contestant.path === floorPath ? ratio(rounds, measured.load.get("floor")) : null,
      fullPage,
      ...(firstByte ? { firstByte } : {}),
      ...(rounds.counters ? { counters: perRequest(rounds.counters) } : {}),
    };
  });
}
