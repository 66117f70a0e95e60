import { defineCommand } from "citty";
import type { StylistEvent } from "../../core/schema/event.ts";
import { backendArgs, withBackend } from "../backend.ts";
import { CLIError, EXIT } from "../errors.ts";
import { printJson, table } from "../output.ts";

interface EventRow {
  id: string;
  type: StylistEvent["type"];
  ts: number;
  visitor: string;
  experiment: string;
  variant: string;
  phase: number;
  rules_version: number;
  path: string;
  device: StylistEvent["device"];
  country: string | null;
  source: string | null;
}

/** Rows back into the event shape the queue carries, so `--json` output can be fed to other tools as-is. */
function toEvent(row: EventRow): StylistEvent {
  return {
    id: row.id,
    type: row.type,
    ts: row.ts,
    visitor: row.visitor,
    experiment: row.experiment,
    variant: row.variant,
    phase: row.phase,
    rulesVersion: row.rules_version,
    path: row.path,
    device: row.device,
    ...(row.country ? { country: row.country } : {}),
    ...(row.source ? { source: row.source } : {}),
  };
}

export default defineCommand({
  meta: { name: "events", description: "Show the newest events in the analytics sink" },
  args: {
    experiment: { type: "string", description: "Only this experiment" },
    limit: { type: "string", description: "How many (newest first)", default: "50" },
    json: { type: "boolean", description: "Print as a JSON array of events" },
    ...backendArgs,
  },
  async run({ args }) {
    const limit = Number(args.limit);
    if (!Number.isInteger(limit) || limit < 1 || limit > 10_000) {
      throw new CLIError("--limit takes a whole number from 1 to 10000", EXIT.invalid);
    }
    await withBackend(args, async (backend) => {
      const where = args.experiment ? "WHERE experiment = ?" : "";
      const params = args.experiment ? [args.experiment, limit] : [limit];
      const rows = await backend.sink
        .query<EventRow>(`SELECT * FROM events ${where} ORDER BY ts DESC, id LIMIT ?`, params)
        .catch((error: Error) => {
          if (/no such table/i.test(error.message)) {
            throw new CLIError(
              `the sink has no events table yet: run \`npx wrangler d1 migrations apply DB ${backend.mode === "local" ? "--local" : "--remote"}\``,
              EXIT.failed,
            );
          }
          throw error;
        });
      const events = rows.map(toEvent);
      if (args.json) return printJson(events);
      if (events.length === 0) return console.log(`no events yet (${backend.mode})`);
      console.log(
        table(
          ["time", "experiment", "variant", "visitor", "path", "device", "country"],
          events.map((event) => [
            new Date(event.ts).toISOString(),
            event.experiment,
            event.variant,
            `${event.visitor.slice(0, 8)}…`,
            event.path,
            event.device,
            event.country ?? "",
          ]),
        ),
      );
    });
  },
});
