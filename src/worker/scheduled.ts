import { autopilotSettingsOf } from "../autopilot/decide.ts";
import { autopilotTick, webhookSender } from "../autopilot/run.ts";
import { kvRuleStore } from "../rules/store.ts";
import { readActive } from "../rules/versions.ts";
import type { Env } from "./env.ts";
import { logFault } from "./log.ts";

/** D1 through the SqlQuery shape the report and the CLI use. */
function d1Sink(db: D1Database) {
  return {
    async query<Row = Record<string, unknown>>(sql: string, params: unknown[] = []): Promise<Row[]> {
      return (
        await db
          .prepare(sql)
          .bind(...params)
          .all<Row>()
      ).results;
    },
  };
}

/**
 * The Cron Trigger (wrangler.toml `[triggers]`): one autopilot tick. Actions and alerts are logged as JSON lines;
 * a failure is logged and the next tick tries again (nothing is half-written: the pause is one snapshot write and
 * one pointer move, as for `stylist kill`).
 */
export async function runScheduled(controller: ScheduledController, env: Env): Promise<void> {
  const rules = kvRuleStore(env.RULES);
  try {
    const active = await readActive(rules);
    if (!active) return;
    const name = autopilotSettingsOf(active).webhookVar;
    const url = (env as unknown as Record<string, unknown>)[name];
    const result = await autopilotTick({
      rules,
      sink: d1Sink(env.DB),
      now: new Date(controller.scheduledTime),
      ...(typeof url === "string" && url ? { alert: webhookSender(url) } : {}),
    });
    for (const finding of result.acted) {
      console.log(
        JSON.stringify({ stylist: "autopilot", ...finding, version: result.paused?.version ?? null }),
      );
    }
    for (const reweight of result.reweights) {
      console.log(
        JSON.stringify({
          stylist: "autopilot",
          experiment: reweight.experiment,
          rule: "bandit",
          action: "reweight",
          reason: reweight.reason,
          version: result.reweighted?.version ?? null,
        }),
      );
    }
    if (result.alertError) logFault("autopilot_alert_failed", result.alertError);
  } catch (error) {
    logFault("autopilot_failed", error);
  }
}
