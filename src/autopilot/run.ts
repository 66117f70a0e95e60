/**
 * One autopilot tick: read the active rules and the sink, decide (decide.ts), pause through the versioned rule store
 * (a new snapshot authored "autopilot" whose message says why, so history, diff and rollback work as for a person),
 * then alert. Each finding is acted on once per phase (remembered under AUTOPILOT_KEY), so a person who revives a
 * paused experiment is not overruled, and an alert is not repeated every tick.
 */

import type { Snapshot } from "../core/schema/snapshot.ts";
import type { SqlQuery } from "../report/sink-source.ts";
import type { RuleStore } from "../rules/store.ts";
import { readActive, readLatest, setKilled, setPeriods } from "../rules/versions.ts";
import { decideAutopilot, type Finding } from "./decide.ts";
import { decideReweights, type Reweight } from "./reweight.ts";
import { snapshotStats } from "./sink-stats.ts";

export const AUTOPILOT_AUTHOR = "autopilot";
/** Keys of findings already acted on; not under `rules:` so history never lists it. */
const AUTOPILOT_KEY = "autopilot:acted";
const REMEMBERED = 2_000;

export interface TickOptions {
  rules: RuleStore;
  sink: SqlQuery;
  now: Date;
  /** Sends alert text (the webhook); absent: findings are only logged. */
  alert?: (text: string) => Promise<void>;
}

export interface TickResult {
  /** The version the tick read, if any rules were active. */
  version: number | undefined;
  findings: Finding[];
  /** Findings new this tick (not acted on before). */
  acted: Finding[];
  paused?: Snapshot;
  /** Bandit reweights written this tick, each a new allocation period. */
  reweights: Reweight[];
  reweighted?: Snapshot;
  alertError?: string;
}

/** What the autopilot would find now, without acting: `stylist autopilot --dry-run` and the first half of a tick. */
export async function inspect(
  rules: RuleStore,
  sink: SqlQuery,
  now: Date,
): Promise<{ snapshot?: Snapshot; findings: Finding[]; reweights: Reweight[] }> {
  const snapshot = await readActive(rules);
  if (!snapshot) return { findings: [], reweights: [] };
  // The newest version (for period ids never to repeat after a rollback) is only read when a bandit runs.
  const bandits = snapshot.experiments.some((experiment) => experiment.allocation);
  const [stats, latest] = await Promise.all([
    snapshotStats(sink, snapshot, now.getTime()),
    bandits ? readLatest(rules) : undefined,
  ]);
  const findings = decideAutopilot(snapshot, stats);
  // An experiment paused now is not reweighted: its split is what is in question.
  const paused = new Set(findings.filter((f) => f.action === "pause").map((f) => f.experiment));
  const reweights = decideReweights(snapshot, stats, now, latest).filter((r) => !paused.has(r.experiment));
  return { snapshot, findings, reweights };
}

function reweightMessage(reweights: readonly Reweight[]): string {
  const message = `autopilot reweighted ${reweights.map((r) => `${r.experiment}: ${r.reason}`).join("; ")}`;
  return message.length > 1_000 ? `${message.slice(0, 999)}…` : message;
}

/** One snapshot for every reweight due, authored "autopilot": history, diff and rollback see it as any version. */
async function reweight(options: TickOptions, reweights: readonly Reweight[]): Promise<Snapshot | undefined> {
  if (reweights.length === 0) return undefined;
  return setPeriods(options.rules, reweights, {
    author: AUTOPILOT_AUTHOR,
    message: reweightMessage(reweights),
    now: options.now,
  });
}

export async function readActed(rules: RuleStore): Promise<string[]> {
  try {
    const parsed: unknown = JSON.parse((await rules.get(AUTOPILOT_KEY)) ?? "[]");
    return Array.isArray(parsed) ? parsed.filter((key): key is string => typeof key === "string") : [];
  } catch {
    return [];
  }
}

function pauseMessage(findings: readonly Finding[]): string {
  const message = `autopilot paused ${[...new Set(findings.map((f) => f.experiment))].join(", ")}: ${findings
    .map((f) => `${f.experiment} ${f.rule}: ${f.reason}`)
    .join("; ")}`;
  return message.length > 1_000 ? `${message.slice(0, 999)}…` : message;
}

function alertText(findings: readonly Finding[], paused: Snapshot | undefined): string {
  const lines = findings.map(
    (f) =>
      `• ${f.experiment} — ${f.rule}: ${f.action === "pause" && paused ? `paused (rules version ${paused.version})` : "alert only"}. ${f.reason}`,
  );
  const ids = [...new Set(findings.filter((f) => f.action === "pause").map((f) => f.experiment))];
  const revive = ids.map((id) => `\`stylist kill ${id} --revive\``).join(", ");
  const undo = paused ? `\nUndo: ${revive} (or \`stylist rollback ${paused.version - 1}\`).` : "";
  return `Stylist autopilot:\n${lines.join("\n")}${undo}`;
}

export async function autopilotTick(options: TickOptions): Promise<TickResult> {
  const { snapshot, findings, reweights } = await inspect(options.rules, options.sink, options.now);
  if (!snapshot) return { version: undefined, findings, acted: [], reweights: [] };
  const acted = await readActed(options.rules);
  const done = new Set(acted);
  const fresh = findings.filter((finding) => !done.has(finding.key));
  if (fresh.length === 0) {
    const reweighted = await reweight(options, reweights);
    return {
      version: snapshot.version,
      findings,
      acted: [],
      reweights: reweighted ? reweights : [],
      ...(reweighted ? { reweighted } : {}),
    };
  }
  const pauses = fresh.filter((finding) => finding.action === "pause");
  let paused: Snapshot | undefined;
  if (pauses.length > 0) {
    paused = await setKilled(options.rules, [...new Set(pauses.map((f) => f.experiment))], false, {
      author: AUTOPILOT_AUTHOR,
      message: pauseMessage(pauses),
      now: options.now,
    });
  }
  let alertError: string | undefined;
  if (options.alert) {
    await options.alert(alertText(fresh, paused)).catch((error: unknown) => {
      alertError = error instanceof Error ? error.message : String(error);
    });
  }
  // A pause is remembered whatever happened to its alert; an alert that failed to send is tried again next tick.
  const remembered = alertError ? pauses : fresh;
  const keys = [...acted, ...remembered.map((finding) => finding.key)].slice(-REMEMBERED);
  await options.rules.put(AUTOPILOT_KEY, JSON.stringify(keys));
  const reweighted = await reweight(options, reweights);
  return {
    version: snapshot.version,
    findings,
    acted: fresh,
    reweights: reweighted ? reweights : [],
    ...(reweighted ? { reweighted } : {}),
    ...(paused ? { paused } : {}),
    ...(alertError ? { alertError } : {}),
  };
}

/** Posts Slack-compatible JSON `{ text }` to the webhook; a non-2xx answer is an error. */
export function webhookSender(url: string, fetcher: typeof fetch = fetch): (text: string) => Promise<void> {
  return async (text) => {
    const response = await fetcher(url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ text }),
    });
    await response.body?.cancel();
    if (!response.ok) throw new Error(`the alert webhook answered ${response.status}`);
  };
}
