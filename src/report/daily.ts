/** The daily cumulative series of the primary metric per arm, for the conversion-rate chart. */

import type { Daily } from "./model.ts";
import type { DailyCounts } from "./sums.ts";

const DAY_MS = 86_400_000;

export function dailySeries(daily: DailyCounts, armIds: readonly string[], metric: string): Daily {
  const dates = Array.from({ length: daily.days }, (_, day) =>
    new Date(daily.dayZero + day * DAY_MS).toISOString().slice(0, 10),
  );
  const zeros = () => new Array<number>(daily.days).fill(0);
  return {
    metric,
    dates,
    arms: armIds.map((id) => {
      const arm = daily.arms.get(id);
      const visitors = arm?.visitors ?? zeros();
      const conversions = arm?.converters.get(metric) ?? zeros();
      return {
        id,
        visitors,
        conversions,
        rate: visitors.map((n, day) => (n > 0 ? (conversions[day] ?? 0) / n : null)),
      };
    }),
  };
}
