import { readFileSync } from "node:fs";
import * as z from "zod";
import { TRAFFIC_SOURCES } from "../../core/schema/audience.ts";
import { firstIssue } from "../../core/schema/zod-issue.ts";
import type { Profile } from "../../core/visitor/profile.ts";
import { CLIError, EXIT } from "../errors.ts";

/**
 * A profile written by hand for `simulate --profile FILE`: counts instead of timestamps, all taken as today.
 *   { "sessions": 3, "viewed": { "trail-running": 2 }, "recent": ["slug"], "basketAdds": 1, "purchases": 0 }
 */
const ProfileFileSchema = z.strictObject({
  sessions: z.number().int().min(1).max(10_000).default(1),
  source: z.enum(TRAFFIC_SOURCES).default("direct"),
  landing: z.string().startsWith("/").default("/"),
  viewed: z.record(z.string(), z.number().int().min(0).max(10)).default({}),
  recent: z.array(z.string()).max(8).default([]),
  basketAdds: z.number().int().min(0).default(0),
  purchasedThisSession: z.boolean().default(false),
  purchases: z.number().int().min(0).default(0),
});

export type ProfileFile = z.input<typeof ProfileFileSchema>;

export function profileFromFile(path: string): ProfileFile {
  try {
    return JSON.parse(readFileSync(path, "utf8")) as ProfileFile;
  } catch (error) {
    throw new CLIError(`--profile ${path}: ${(error as Error).message}`, EXIT.invalid);
  }
}

/** `--viewed trail-running=2` → { "trail-running": 2 } */
export function parseViewed(flags: string[]): Record<string, number> {
  const viewed: Record<string, number> = {};
  for (const flag of flags) {
    const match = /^([a-z0-9][a-z0-9-]*)=(\d{1,2})$/.exec(flag);
    if (!match)
      throw new CLIError(`--viewed "${flag}" is not category=count, e.g. trail-running=2`, EXIT.invalid);
    viewed[match[1] as string] = Number(match[2]);
  }
  return viewed;
}

/** Builds the profile the worker would hold for such a visitor, with every view dated today and the session live. */
export function buildProfile(input: ProfileFile, nowMs: number): Profile {
  const parsed = ProfileFileSchema.safeParse(input);
  if (!parsed.success) {
    const issue = firstIssue(parsed.error);
    throw new CLIError(`profile: ${issue.path}: ${issue.message}`, EXIT.invalid);
  }
  const profile = parsed.data;
  const now = Math.floor(nowMs / 1000);
  const today = Math.floor(now / 86_400);
  return {
    sessions: profile.sessions,
    lastSeen: now,
    session: {
      start: now,
      source: profile.source,
      landing: profile.landing,
      basketAdds: profile.basketAdds,
      purchased: profile.purchasedThisSession,
    },
    categories: Object.fromEntries(
      Object.entries(profile.viewed)
        .filter(([, count]) => count > 0)
        .map(([category, count]) => [category, new Array<number>(count).fill(today)]),
    ),
    recent: profile.recent,
    seen: profile.recent,
    purchases: profile.purchases,
    lastPurchase: profile.purchases > 0 ? now : undefined,
  };
}
