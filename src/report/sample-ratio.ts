/**
 * The sample-ratio-mismatch check of one experiment phase: Pearson's chi-square of the visitors per arm against
 * the configured shares (src/stats/srm.ts). A mismatch (p < 0.001) means assignment or exposure logging is
 * broken, so the report gives no verdict. Visitors in an arm the rules do not have are a mismatch too.
 */

import { SRM_THRESHOLD, sampleRatioMismatch } from "../stats/index.ts";
import { finite } from "./compare.ts";
import type { ExperimentConfig } from "./config.ts";
import type { SrmReport } from "./model.ts";
import type { ArmSums } from "./sums.ts";

export function sampleRatioOf(
  config: ExperimentConfig | undefined,
  arms: ReadonlyMap<string, ArmSums>,
): SrmReport {
  const total = [...arms.values()].reduce((sum, arm) => sum + arm.visitors, 0);
  const configured = config?.arms ?? [];
  const ids = [
    ...configured.map((arm) => arm.id),
    ...[...arms.keys()].filter((id) => !configured.some((arm) => arm.id === id)),
  ];
  const rows = ids.map((id) => ({
    id,
    visitors: arms.get(id)?.visitors ?? 0,
    observedShare: total > 0 ? (arms.get(id)?.visitors ?? 0) / total : null,
    expectedShare: configured.find((arm) => arm.id === id)?.share ?? (config ? 0 : null),
  }));
  const base = { p: null, statistic: null, df: null, threshold: SRM_THRESHOLD, arms: rows };
  if (!config) return { ...base, ok: null, note: "not in the rules, so the configured split is unknown" };
  const unexpected = rows.filter((row) => row.expectedShare === 0 && row.visitors > 0).map((row) => row.id);
  if (unexpected.length > 0) {
    return { ...base, ok: false, note: `visitors in arm(s) the rules do not have: ${unexpected.join(", ")}` };
  }
  if (configured.length < 2) return { ...base, ok: null, note: "a single arm: no split to check" };
  if (total === 0) return { ...base, ok: null, note: "no visitors yet" };
  const result = sampleRatioMismatch(
    configured.map((arm) => arms.get(arm.id)?.visitors ?? 0),
    configured.map((arm) => arm.share),
  );
  const ok = result.pValue >= SRM_THRESHOLD;
  return {
    ...base,
    p: finite(result.pValue),
    statistic: finite(result.statistic),
    df: result.df,
    ok,
    note: ok ? null : "the split differs from the configured shares far beyond chance",
  };
}
