import { textTable } from "../format/text-table.ts";
import type { BuiltTable } from "./build.ts";
import type { RecommendParams } from "./params.ts";

const percent = (share: number) => `${(share * 100).toFixed(1)}%`;
const day = (ts: number) => new Date(ts).toISOString().slice(0, 10);

function text(
  built: BuiltTable,
  params: RecommendParams,
  outcome: { version: number | undefined; dryRun: boolean; mode: string },
): string {
  const passed = built.gates.every((gate) => gate.passed);
  const lines = [
    `window ${day(built.window.since)} – ${day(built.window.until)} (${params.windowDays} days, half-life ${params.halfLifeDays} days): ${built.stats.events} product events, ${built.stats.sessions} sessions, ${built.stats.orders} orders`,
    "",
    "gates",
    textTable(
      ["gate", "value", "needs", ""],
      built.gates.map((gate) => [gate.name, gate.value, gate.needs, gate.passed ? "pass" : "FAIL"]),
    ),
    "",
  ];
  if (built.evaluation) {
    const [first] = built.evaluation;
    lines.push(
      `offline evaluation: trained without the held-out week ${day(first?.heldOut.since ?? 0)} – ${day(first?.heldOut.until ?? 0)}, ${first?.model.cases ?? 0} held-out sessions (first product → the others)`,
      textTable(
        ["K", "hit rate", "recall", "bestsellers: hit rate", "recall"],
        built.evaluation.map((entry) => [
          String(entry.k),
          percent(entry.model.hitRate),
          percent(entry.model.recall),
          percent(entry.popularity.hitRate),
          percent(entry.popularity.recall),
        ]),
      ),
      "",
    );
  } else lines.push("offline evaluation: skipped (the window is not longer than the held-out week)", "");
  const learnt = [...built.lists.values()].filter(
    (items) => items[0]?.source.startsWith("co-") === true,
  ).length;
  lines.push(
    `${built.lists.size} product lists, ${learnt} led by a learnt neighbour; ${params.k} items each at most`,
  );
  if (!passed) lines.push("not published: a gate failed (see above); the active table is unchanged");
  else if (outcome.dryRun) lines.push("dry run: nothing published");
  else
    lines.push(
      `published table v${outcome.version} (${outcome.mode}); workers switch within RULES_REFRESH_SECONDS. Undo: npx stylist recommend rollback`,
    );
  return lines.join("\n");
}

function json(built: BuiltTable, params: RecommendParams) {
  return {
    window: {
      since: new Date(built.window.since).toISOString(),
      until: new Date(built.window.until).toISOString(),
    },
    params,
    stats: built.stats,
    gates: built.gates,
    evaluation: built.evaluation ?? null,
    products: built.lists.size,
  };
}

export const buildReport = { text, json };
