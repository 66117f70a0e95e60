import { withD1Signals } from "../src/cli/archive/d1-signals.ts";
import type { Backend } from "../src/cli/stores/types.ts";
import type { Catalogue } from "../src/core/schema/catalogue.ts";
import type { ConversionEvent } from "../src/core/schema/event.ts";
import { RECS_ACTIVE_KEY } from "../src/core/schema/recommendations.ts";
import { type BuiltTable, buildTable } from "../src/recommend/build.ts";
import { DEFAULT_PARAMS } from "../src/recommend/params.ts";
import { publishTable } from "../src/recommend/publish.ts";
import { syntheticHistory } from "./history.ts";
import { bestsellerSlugs } from "./storefront/catalogue/index.ts";

/** Categories shoppers browse together: shoes with waterproofs for the fells, boots with camping kit. */
const COMPLEMENTS: Record<string, string> = {
  "trail-running": "waterproofs",
  waterproofs: "trail-running",
  "hiking-boots": "camping",
  camping: "hiking-boots",
};

/**
 * What goes with what in the demo shop: the next product of the same category, and one of the complementary
 * category's. Planted in the seeded history, so the table the demo builds has something real to find.
 */
export function demoCompanions(catalogue: Catalogue): Map<string, string[]> {
  const byCategory = new Map<string, string[]>();
  for (const product of catalogue.products)
    byCategory.set(product.category, [...(byCategory.get(product.category) ?? []), product.slug]);
  const companions = new Map<string, string[]>();
  for (const [category, slugs] of byCategory) {
    const other = byCategory.get(COMPLEMENTS[category] ?? category) ?? [];
    slugs.forEach((slug, i) => {
      const same = slugs[(i + 1) % slugs.length] as string;
      const cross = other[i % Math.max(other.length, 1)];
      companions.set(slug, [same, ...(cross ? [cross] : [])]);
    });
  }
  return companions;
}

/** Eight weeks of seeded history for the demo catalogue, ending an hour ago, the bestsellers selling best. */
export function demoHistory(catalogue: Catalogue, now: number): ConversionEvent[] {
  const first = new Set(bestsellerSlugs);
  const ordered = [
    ...bestsellerSlugs.flatMap((slug) => catalogue.products.filter((product) => product.slug === slug)),
    ...catalogue.products.filter((product) => !first.has(product.slug)),
  ];
  return syntheticHistory(ordered, {
    seed: "fellside-demo-history",
    now: now - 3_600_000,
    days: 56,
    visitors: 900,
    companions: demoCompanions(catalogue),
    rankByOrder: true,
  });
}

const quote = (value: string | number | null | undefined) =>
  value === null || value === undefined
    ? "NULL"
    : typeof value === "number"
      ? String(value)
      : `'${value.replaceAll("'", "''")}'`;

/** The history into D1's conversions, a few hundred rows a statement (local D1 through wrangler's proxy). */
async function insertHistory(backend: Backend, events: readonly ConversionEvent[]): Promise<void> {
  for (let start = 0; start < events.length; start += 400) {
    const rows = events
      .slice(start, start + 400)
      .map((event) =>
        [
          event.id,
          event.ts,
          event.visitor,
          event.goal,
          event.value,
          event.currency,
          event.orderId,
          event.path,
          event.device,
          event.reportedBy,
          JSON.stringify(event.products),
        ]
          .map(quote)
          .join(", "),
      );
    await backend.sink.query(
      `INSERT OR IGNORE INTO conversions (id, ts, visitor, goal, value, currency, order_id, path, device, reported_by, products)
       VALUES ${rows.map((row) => `(${row})`).join(", ")}`,
    );
  }
}

/**
 * `npm start`'s recommendation table: seeded history into local D1, then the real `stylist recommend build` path
 * (D1 → DuckDB → gates → KV). Done once: a local state that already has an active table keeps it (and whatever the
 * user built since).
 */
export async function ensureDemoRecommendations(
  backend: Backend,
  catalogue: Catalogue,
  now = Date.now(),
): Promise<{ version: number | undefined; built: BuiltTable | undefined }> {
  if ((await backend.rules.get(RECS_ACTIVE_KEY)) !== null) return { version: undefined, built: undefined };
  await insertHistory(backend, demoHistory(catalogue, now));
  const built = await withD1Signals(backend.sink, (archive) =>
    buildTable(archive, catalogue.products, DEFAULT_PARAMS, now),
  );
  if (!built.gates.every((gate) => gate.passed)) return { version: undefined, built };
  const version = await publishTable(backend.rules, built, {
    builtAt: new Date(now).toISOString(),
    products: built.lists.size,
    window: {
      since: new Date(built.window.since).toISOString(),
      until: new Date(built.window.until).toISOString(),
    },
    params: DEFAULT_PARAMS,
    gates: built.gates,
    evaluation: built.evaluation,
  });
  return { version, built };
}
