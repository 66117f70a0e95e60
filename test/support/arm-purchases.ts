import { archiveEvents, countsArchiveOrder } from "../../src/cli/archive/archive-events.ts";
import { openArchive } from "../../src/cli/archive/duckdb-archive.ts";
import { aggregate } from "../../src/report/aggregate.ts";
import { goalOf } from "../../src/report/sums.ts";

/** One arm's purchase figures, as a documented example query and the report's aggregator both give them. */
export interface ArmPurchases {
  experiment: unknown;
  phase: unknown;
  variant: unknown;
  visitors: number;
  converters: number;
  /** In minor units. */
  revenue: number;
}

const byArm = (a: ArmPurchases, b: ArmPurchases) =>
  `${a.experiment}/${a.phase}/${a.variant}`.localeCompare(`${b.experiment}/${b.phase}/${b.variant}`);

/** What the report's aggregator counts per arm in the archive under `dir`, sorted by arm. */
export async function aggregatedPurchases(dir: string): Promise<ArmPurchases[]> {
  const archive = await openArchive([dir]);
  try {
    const result = await aggregate(archiveEvents(archive), { countsOrder: countsArchiveOrder });
    return result.segments
      .flatMap((segment) =>
        [...segment.arms].map(([variant, arm]) => ({
          experiment: segment.experiment,
          phase: segment.phase,
          variant,
          visitors: arm.visitors,
          converters: goalOf(arm, "purchase").converters,
          revenue: goalOf(arm, "purchase").revenue,
        })),
      )
      .sort(byArm);
  } finally {
    archive.close();
  }
}

/**
 * An example query's rows as the same figures, sorted by arm: revenue comes back per visitor in major units and is
 * turned into the total in minor units; `converters` names the column holding the purchase converters.
 */
export function queriedPurchases(rows: Array<Record<string, unknown>>, converters: string): ArmPurchases[] {
  return rows
    .map((row) => ({
      experiment: row.experiment,
      phase: row.phase,
      variant: row.variant,
      visitors: Number(row.visitors),
      converters: Number(row[converters]),
      revenue: Math.round(Number(row.revenue_per_visitor) * 100 * Number(row.visitors)),
    }))
    .sort(byArm);
}
