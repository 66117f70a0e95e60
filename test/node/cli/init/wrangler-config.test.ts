import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "@decimalturn/toml-patch";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  AUTOPILOT_CRON,
  type ConfigInputs,
  planWranglerConfig,
  STYLIST_COMPATIBILITY_DATE,
} from "../../../../src/cli/init/wrangler-config.ts";

const ROOT = join(import.meta.dirname, "../../../..");
const inputs: ConfigInputs = {
  workerName: "shop",
  workerEntry: "./node_modules/stylist/src/worker/index.ts",
  migrationsDir: "./node_modules/stylist/migrations",
  originUrl: "https://origin.example.com",
};
const plain = (text: string) => JSON.parse(JSON.stringify(parse(text)));

const USER_CONFIG = `# The shop's own worker settings — keep this comment
name = "fellside-edge" # and this one
main = "./node_modules/stylist/src/worker/index.ts"
compatibility_date = "2024-09-01"
account_id = "abc123"
routes = [ { pattern = "shop.example.com/*", zone_name = "example.com" } ]

[vars]
ORIGIN_URL = "https://origin.fellside.example" # where the shop lives
FEATURE = "on"

# Their own namespace
[[kv_namespaces]]
binding = "SESSIONS"
id = "5555"

[observability]
enabled = true
`;

describe("wrangler.toml: what init writes", () => {
  it("a new file has every binding, the queue with its dead-letter queue, the autopilot cron and the date", () => {
    const plan = planWranglerConfig(undefined, inputs);
    const config = plain(plan.text);
    expect(config).toMatchObject({
      name: "shop",
      main: inputs.workerEntry,
      compatibility_date: STYLIST_COMPATIBILITY_DATE,
      vars: { ORIGIN_URL: inputs.originUrl },
      triggers: { crons: [AUTOPILOT_CRON] },
      kv_namespaces: [{ binding: "RULES" }],
      d1_databases: [{ binding: "DB", migrations_dir: inputs.migrationsDir }],
      queues: {
        producers: [{ binding: "EVENTS", queue: "stylist-events" }],
        consumers: [{ queue: "stylist-events", dead_letter_queue: "stylist-events-dlq" }],
      },
      r2_buckets: [{ binding: "ARCHIVE", bucket_name: "stylist-archive" }],
      durable_objects: { bindings: [{ name: "ARCHIVE_BUFFER", class_name: "ArchiveBuffer" }] },
      migrations: [{ tag: "archive-buffer-v1", new_sqlite_classes: ["ArchiveBuffer"] }],
    });
  });

  it("the archive buffer's binding and migration join the user's own Durable Objects and migrations", () => {
    const text = `name = "shop"\n\n[[durable_objects.bindings]]\nname = "CARTS"\nclass_name = "Cart"\n\n[[migrations]]\ntag = "v1"\nnew_classes = ["Cart"]\n`;
    const plan = planWranglerConfig(text, inputs);
    const config = plain(plan.text);
    expect(config.durable_objects.bindings).toEqual([
      { name: "CARTS", class_name: "Cart" },
      { name: "ARCHIVE_BUFFER", class_name: "ArchiveBuffer" },
    ]);
    expect(config.migrations).toEqual([
      { tag: "v1", new_classes: ["Cart"] },
      { tag: "archive-buffer-v1", new_sqlite_classes: ["ArchiveBuffer"] },
    ]);
    expect(planWranglerConfig(plan.text, inputs).changes).toEqual([]);
    // A config that already creates the class (under any tag) gains no second migration.
    const created = `name = "shop"\n[[migrations]]\ntag = "mine"\nnew_sqlite_classes = ["ArchiveBuffer"]\n`;
    expect(plain(planWranglerConfig(created, inputs).text).migrations).toEqual([
      { tag: "mine", new_sqlite_classes: ["ArchiveBuffer"] },
    ]);
  });

  it("a second run changes nothing and says so", () => {
    const first = planWranglerConfig(undefined, inputs);
    const second = planWranglerConfig(first.text, inputs);
    expect(second.changes).toEqual([]);
    expect(second.text).toBe(first.text);
  });

  it("the repository's own wrangler.toml already has everything", () => {
    const text = readFileSync(join(ROOT, "wrangler.toml"), "utf8");
    const plan = planWranglerConfig(text, { ...inputs, workerEntry: "src/worker/index.ts" });
    expect(plan.changes).toEqual([]);
    expect(plan.warnings).toEqual([]);
  });

  it("an existing config keeps every key, value and comment of the user's, and gains Stylist's", () => {
    const plan = planWranglerConfig(USER_CONFIG, inputs);
    const comments = USER_CONFIG.split("\n").flatMap((line) => /#.*$/.exec(line) ?? []);
    expect(comments).toHaveLength(4);
    for (const comment of comments) expect(plan.text).toContain(comment);
    const before = plain(USER_CONFIG);
    const after = plain(plan.text);
    expect(after.routes).toEqual(before.routes);
    expect(after.account_id).toBe("abc123");
    expect(after.observability).toEqual({ enabled: true });
    expect(after.vars).toEqual({ ...before.vars, RULES_REFRESH_SECONDS: "15", SINK: "d1" });
    expect(after.kv_namespaces).toEqual([
      { binding: "SESSIONS", id: "5555" },
      expect.objectContaining({ binding: "RULES" }),
    ]);
    expect(after.name).toBe("fellside-edge");
    expect(plan.changes).toContain(
      `compatibility_date 2024-09-01 → ${STYLIST_COMPATIBILITY_DATE} (Stylist is tested on this date)`,
    );
  });

  it("the user's own queues, consumers and databases are kept beside Stylist's", () => {
    const text = `name = "shop"\n\n# their queue\n[[queues.producers]]\nbinding = "JOBS"\nqueue = "jobs"\n\n[[queues.consumers]]\nqueue = "jobs"\n\n[[d1_databases]]\nbinding = "OTHER"\ndatabase_name = "x"\ndatabase_id = "y"\n`;
    const plan = planWranglerConfig(text, inputs);
    const config = plain(plan.text);
    expect(plan.text).toContain("# their queue");
    expect(config.queues.producers).toEqual([
      { binding: "JOBS", queue: "jobs" },
      { binding: "EVENTS", queue: "stylist-events" },
    ]);
    expect(config.queues.consumers[0]).toEqual({ queue: "jobs" });
    expect(config.queues.consumers[1]).toMatchObject({
      queue: "stylist-events",
      dead_letter_queue: "stylist-events-dlq",
    });
    expect(config.d1_databases.map((db: { binding: string }) => db.binding)).toEqual(["OTHER", "DB"]);
    expect(planWranglerConfig(plan.text, inputs).changes).toEqual([]);
  });

  it("a consumer of the events queue without a dead-letter queue gains one, and nothing else of it changes", () => {
    const text = `name = "shop"\n[[queues.producers]]\nbinding = "EVENTS"\nqueue = "events"\n[[queues.consumers]]\nqueue = "events"\nmax_retries = 9\n`;
    const config = plain(planWranglerConfig(text, inputs).text);
    expect(config.queues.consumers).toEqual([
      { queue: "events", max_retries: 9, dead_letter_queue: "stylist-events-dlq" },
    ]);
  });

  it("a newer compatibility date and the user's own crons are kept", () => {
    const text = `name = "x"\ncompatibility_date = "2099-01-01"\n[triggers]\ncrons = ["0 * * * *"]\n`;
    const config = plain(planWranglerConfig(text, inputs).text);
    expect(config.compatibility_date).toBe("2099-01-01");
    expect(config.triggers.crons).toEqual(["0 * * * *", AUTOPILOT_CRON]);
  });

  it("a main that is not Stylist's worker is kept and warned about", () => {
    const plan = planWranglerConfig(`name = "x"\nmain = "src/index.ts"\n`, inputs);
    expect(plain(plan.text).main).toBe("src/index.ts");
    expect(plan.warnings.join()).toMatch(/main is "src\/index\.ts", not Stylist's worker/);
  });

  it("ids from --remote replace placeholders, never a real id the user set", () => {
    const first = planWranglerConfig(undefined, inputs);
    const filled = planWranglerConfig(first.text, {
      ...inputs,
      ids: { kvNamespaceId: "kv1", d1DatabaseId: "db1" },
    });
    expect(plain(filled.text).kv_namespaces[0].id).toBe("kv1");
    expect(plain(filled.text).d1_databases[0].database_id).toBe("db1");
    const again = planWranglerConfig(filled.text, {
      ...inputs,
      ids: { kvNamespaceId: "other", d1DatabaseId: "other" },
    });
    expect(again.changes).toEqual([]);
  });

  it("invalid TOML is refused before anything is written", () => {
    expect(() => planWranglerConfig(`name = "x\n[vars`, inputs)).toThrow();
  });

  it("for generated configs: nothing of the user's is lost, Stylist's is there, and a second run is a no-op", () => {
    const key = fc.stringMatching(/^[A-Z][A-Z0-9_]{0,8}$/);
    const value = fc.string({ maxLength: 12, unit: "binary" });
    fc.assert(
      fc.property(
        fc.dictionary(key, value, { maxKeys: 4 }),
        fc.array(
          fc.record({
            binding: fc.constantFrom("A", "B", "RULES"),
            id: fc.stringMatching(/^[0-9a-f]{4,8}$/),
          }),
          {
            maxLength: 2,
          },
        ),
        fc.boolean(),
        (vars, namespaces, comment) => {
          const lines = [comment ? "# user comment" : "", `name = "gen"`, "[vars]"];
          for (const [k, v] of Object.entries(vars)) lines.push(`${k} = ${JSON.stringify(v)}`);
          const unique = namespaces.filter(
            (ns, i) => namespaces.findIndex((o) => o.binding === ns.binding) === i,
          );
          for (const ns of unique)
            lines.push("", "[[kv_namespaces]]", `binding = "${ns.binding}"`, `id = "${ns.id}"`);
          const text = `${lines.join("\n")}\n`;
          const plan = planWranglerConfig(text, inputs);
          const after = plain(plan.text);
          for (const [k, v] of Object.entries(vars)) expect(after.vars[k]).toBe(v);
          for (const ns of unique) expect(after.kv_namespaces).toContainEqual(ns);
          if (comment) expect(plan.text).toContain("# user comment");
          expect(after.kv_namespaces.some((ns: { binding: string }) => ns.binding === "RULES")).toBe(true);
          expect(after.queues.consumers[0].dead_letter_queue).toBeTruthy();
          expect(planWranglerConfig(plan.text, inputs).changes).toEqual([]);
        },
      ),
      { numRuns: 60 },
    );
  });
});
