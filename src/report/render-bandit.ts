/** The bandit section of the text report: periods, stratified rates against pooled ones, and the comparisons. */

import { textTable } from "../format/text-table.ts";
import type { BanditReport } from "./model.ts";

const pct = (x: number | null, digits = 2) => (x === null ? "—" : `${(100 * x).toFixed(digits)}%`);
const points = (x: number | null) => (x === null ? "—" : `${x >= 0 ? "+" : ""}${(100 * x).toFixed(2)} pts`);

export function banditText(bandit: BanditReport | null | undefined): string[] {
  if (!bandit) return [];
  const periods = bandit.periods
    .map((period) => `${period.id}: ${period.visitors} (${pct(period.weight, 1)})${period.known ? "" : " ?"}`)
    .join(", ");
  return [
    `Bandit, stratified by allocation period — periods (visitors, weight Nₚ/N): ${periods}`,
    textTable(
      ["arm", "role", "visitors", `${bandit.metric} rate (stratified)`, "± SE", "pooled (biased)"],
      bandit.arms.map((arm) => [
        arm.id,
        arm.role,
        String(arm.visitors),
        pct(arm.rate),
        pct(arm.se),
        pct(arm.pooledRate),
      ]),
    ),
    ...(bandit.comparisons.length > 0
      ? [
          textTable(
            ["arm", "baseline", "difference", "interval", "p"],
            bandit.comparisons.map((c) => [
              c.arm,
              c.baseline,
              points(c.difference),
              `[${points(c.lower)}, ${points(c.upper)}]`,
              c.p === null ? "—" : c.p < 0.0001 ? "<0.0001" : c.p.toFixed(4),
            ]),
          ),
        ]
      : []),
    bandit.note,
  ];
}
