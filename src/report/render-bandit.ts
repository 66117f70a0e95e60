/** The bandit section of the text and HTML reports: periods, stratified rates against pooled ones, comparisons. */

import { textTable } from "../format/text-table.ts";
import type { BanditReport } from "./model.ts";

const pct = (x: number | null, digits = 2) => (x === null ? "—" : `${(100 * x).toFixed(digits)}%`);
const points = (x: number | null) => (x === null ? "—" : `${x >= 0 ? "+" : ""}${(100 * x).toFixed(2)} pts`);

interface Table {
  headers: string[];
  rows: string[][];
}

/** One definition of the section's content, so the text and HTML reports agree. */
export function banditTables(bandit: BanditReport): { title: string; tables: Table[]; note: string } {
  const periods = bandit.periods
    .map((period) => `${period.id}: ${period.visitors} (${pct(period.weight, 1)})${period.known ? "" : " ?"}`)
    .join(", ");
  const arms: Table = {
    headers: ["arm", "role", "visitors", `${bandit.metric} rate (stratified)`, "± SE", "pooled (biased)"],
    rows: bandit.arms.map((arm) => [
      arm.id,
      arm.role,
      String(arm.visitors),
      pct(arm.rate),
      pct(arm.se),
      pct(arm.pooledRate),
    ]),
  };
  const comparisons: Table = {
    headers: ["arm", "baseline", "difference", "interval", "p"],
    rows: bandit.comparisons.map((c) => [
      c.arm,
      c.baseline,
      points(c.difference),
      `[${points(c.lower)}, ${points(c.upper)}]`,
      c.p === null ? "—" : c.p < 0.0001 ? "<0.0001" : c.p.toFixed(4),
    ]),
  };
  return {
    title: `Bandit, stratified by allocation period — periods (visitors, weight Nₚ/N): ${periods}`,
    tables: comparisons.rows.length > 0 ? [arms, comparisons] : [arms],
    note: bandit.note,
  };
}

export function banditText(bandit: BanditReport | null | undefined): string[] {
  if (!bandit) return [];
  const { title, tables, note } = banditTables(bandit);
  return [title, ...tables.map((table) => textTable(table.headers, table.rows)), note];
}
