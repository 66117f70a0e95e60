import type { Audience } from "../core/schema/audience.ts";
import type { Experiment } from "../core/schema/experiment.ts";
import { type SettingsInput, SettingsSchema } from "../core/schema/settings.ts";
import {
  KV_KEYS,
  type Period,
  type Pointer,
  PointerSchema,
  SNAPSHOT_FORMAT,
  type Snapshot,
  SnapshotSchema,
} from "../core/schema/snapshot.ts";
import { nextPhases } from "./phases.ts";
import type { RuleStore, SnapshotMetadata } from "./store.ts";

/** What a push publishes: the validated experiments of every rule file and the programme settings. */
export interface RuleSet {
  experiments: Experiment[];
  settings?: SettingsInput;
  audiences?: Audience[];
}

export class RulesError extends Error {
  override name = "RulesError";
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

async function readPointer(store: RuleStore): Promise<Pointer | undefined> {
  const text = await store.get(KV_KEYS.active);
  if (text === null) return undefined;
  const parsed = PointerSchema.safeParse(parseJson(text));
  if (!parsed.success)
    throw new RulesError(`${KV_KEYS.active} holds something that is not a pointer: ${text.slice(0, 80)}`);
  return parsed.data;
}

export async function readSnapshot(store: RuleStore, version: number): Promise<Snapshot> {
  const text = await store.get(KV_KEYS.snapshot(version));
  if (text === null) throw new RulesError(`version ${version} does not exist`);
  const parsed = SnapshotSchema.safeParse(parseJson(text));
  if (!parsed.success)
    throw new RulesError(`version ${version} is not a valid snapshot: ${parsed.error.message}`);
  return parsed.data;
}

export async function readActive(store: RuleStore): Promise<Snapshot | undefined> {
  const pointer = await readPointer(store);
  return pointer ? readSnapshot(store, pointer.version) : undefined;
}

export interface HistoryEntry extends SnapshotMetadata {
  active: boolean;
}

/** Every stored version, newest first, from key metadata alone (one list call per 1,000 versions). */
export async function history(store: RuleStore): Promise<HistoryEntry[]> {
  const [keys, pointer] = await Promise.all([
    store.list(KV_KEYS.snapshotPrefix),
    readPointer(store).catch((error: unknown) => {
      if (error instanceof RulesError) return undefined;
      throw error;
    }),
  ]);
  const entries: HistoryEntry[] = [];
  for (const key of keys) {
    const version = Number(key.name.slice(KV_KEYS.snapshotPrefix.length));
    if (!Number.isInteger(version) || version <= 0) continue;
    const metadata = (key.metadata ?? {}) as Partial<SnapshotMetadata>;
    entries.push({
      version,
      createdAt: metadata.createdAt ?? "",
      author: metadata.author ?? "",
      message: metadata.message ?? "",
      experiments: metadata.experiments ?? 0,
      active: pointer?.version === version,
    });
  }
  return entries.sort((a, b) => b.version - a.version);
}

export interface WriteOptions {
  author: string;
  message: string;
  now?: Date;
}

/**
 * Writes a new immutable snapshot, then moves the pointer to it: two writes, the second of which is the switch.
 * KV has no transactions; two pushes racing for the same version are caught by the existence check in all but a
 * sub-second window, which the docs call out.
 */
async function writeSnapshot(
  store: RuleStore,
  content: Pick<Snapshot, "experiments" | "killed" | "settings" | "phases" | "audiences">,
  options: WriteOptions,
): Promise<Snapshot> {
  const latest = (await history(store))[0]?.version ?? 0;
  const version = latest + 1;
  if ((await store.get(KV_KEYS.snapshot(version))) !== null) {
    throw new RulesError(
      `version ${version} appeared while pushing; someone else pushed. Run the command again.`,
    );
  }
  const snapshot = SnapshotSchema.parse({
    format: SNAPSHOT_FORMAT,
    version,
    createdAt: (options.now ?? new Date()).toISOString(),
    author: options.author,
    message: options.message,
    ...content,
  } satisfies Snapshot);
  // KV caps metadata at 1,024 bytes; the snapshot keeps the full message, the listing a prefix of it.
  const metadata: SnapshotMetadata = {
    version,
    createdAt: snapshot.createdAt,
    author: snapshot.author.slice(0, 100),
    message: snapshot.message.slice(0, 300),
    experiments: content.experiments.length,
  };
  await store.put(KV_KEYS.snapshot(version), JSON.stringify(snapshot), metadata);
  await store.put(KV_KEYS.active, JSON.stringify({ version } satisfies Pointer));
  return snapshot;
}

export interface PushResult {
  snapshot: Snapshot;
  /** Set when the active rules could not be read; the push repairs them, but kills could not be carried over. */
  repaired?: string;
}

/**
 * Publishes validated experiments. Kills stay in force across pushes until revived explicitly. A corrupt active
 * pointer or snapshot does not block a push: pushing good rules is how it gets repaired.
 */
export async function pushRules(
  store: RuleStore,
  rules: RuleSet,
  options: WriteOptions,
): Promise<PushResult> {
  let active: Snapshot | undefined;
  let repaired: string | undefined;
  try {
    active = await readActive(store);
  } catch (error) {
    if (!(error instanceof RulesError)) throw error;
    repaired = error.message;
  }
  const { experiments } = rules;
  const settings = SettingsSchema.parse(rules.settings ?? {});
  const latest = await readLatest(store);
  const ids = new Set(experiments.map((experiment) => experiment.id));
  const killed = (active?.killed ?? []).filter((id) => ids.has(id));
  const audiences = rules.audiences ?? [];
  const phases = nextPhases(experiments, audiences, settings, active, latest, options.now ?? new Date());
  const snapshot = await writeSnapshot(store, { experiments, killed, settings, phases, audiences }, options);
  return repaired ? { snapshot, repaired } : { snapshot };
}

/** The newest stored version, which carries the highest phase numbers so far; unreadable counts as none. */
export async function readLatest(store: RuleStore): Promise<Snapshot | undefined> {
  const newest = (await history(store))[0];
  return newest ? readSnapshot(store, newest.version).catch(() => undefined) : undefined;
}

/** Points visitors at an earlier snapshot, by default the one before the active one. One write. */
export async function rollback(store: RuleStore, target?: number): Promise<{ from: number; to: number }> {
  const pointer = await readPointer(store);
  if (!pointer) throw new RulesError("nothing has been pushed yet, so there is nothing to roll back");
  const versions = (await history(store)).map((entry) => entry.version);
  const to = target ?? versions.find((version) => version < pointer.version);
  if (to === undefined)
    throw new RulesError(`version ${pointer.version} is the oldest; there is nothing before it`);
  if (to === pointer.version) throw new RulesError(`version ${to} is already active`);
  await readSnapshot(store, to);
  await store.put(KV_KEYS.active, JSON.stringify({ version: to } satisfies Pointer));
  return { from: pointer.version, to };
}

/** Switches experiments off (or back on with `revive`) in a new snapshot, leaving every other rule as it is. */
export async function setKilled(
  store: RuleStore,
  experimentIds: string[] | "all",
  revive: boolean,
  options: WriteOptions,
): Promise<Snapshot> {
  const active = await readActive(store);
  if (!active) throw new RulesError("nothing has been pushed yet");
  const known = new Set(active.experiments.map((experiment) => experiment.id));
  const ids = experimentIds === "all" ? [...known] : experimentIds;
  const unknown = ids.filter((id) => !known.has(id));
  if (unknown.length > 0) {
    throw new RulesError(`not in the active rules (version ${active.version}): ${unknown.join(", ")}`);
  }
  const killed = new Set(active.killed);
  for (const id of ids) {
    if (revive) killed.delete(id);
    else killed.add(id);
  }
  return writeSnapshot(
    store,
    {
      experiments: active.experiments,
      killed: [...killed].sort(),
      settings: active.settings,
      phases: active.phases,
      audiences: active.audiences,
    },
    options,
  );
}

/**
 * Starts new allocation periods for bandit experiments (the autopilot's reweight) in a new snapshot, every other rule
 * as it is. A period is only set on the phase it was decided for: if the phase changed meanwhile, nothing is written.
 */
export async function setPeriods(
  store: RuleStore,
  periods: ReadonlyArray<{ experiment: string; phase: number; period: Period }>,
  options: WriteOptions,
): Promise<Snapshot | undefined> {
  const active = await readActive(store);
  if (!active) throw new RulesError("nothing has been pushed yet");
  const phases = { ...active.phases };
  let changed = false;
  for (const { experiment, phase, period } of periods) {
    const current = phases[experiment];
    if (!current || current.phase !== phase) continue;
    phases[experiment] = { ...current, period };
    changed = true;
  }
  if (!changed) return undefined;
  return writeSnapshot(
    store,
    {
      experiments: active.experiments,
      killed: active.killed,
      settings: active.settings,
      phases,
      audiences: active.audiences,
    },
    options,
  );
}
