/**
 * A bandit's reweights move new visitors only (docs/autopilot.md#who-keeps-which-arm): a visitor keeps the arm, and
 * the period, they were first assigned, remembered in the signed profile cookie, whatever the weights are later.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { assignVariant } from "../../../../src/core/decide/assign.ts";
import { compileRules } from "../../../../src/core/decide/compile.ts";
import { decide } from "../../../../src/core/decide/decide.ts";
import { bucket } from "../../../../src/core/decide/hash.ts";
import { exposureEvents } from "../../../../src/core/page-view/exposures.ts";
import type { AssignmentEvent } from "../../../../src/core/schema/event.ts";
import { type Snapshot, SnapshotSchema } from "../../../../src/core/schema/snapshot.ts";
import { syntheticContext } from "../../../../src/core/visitor/context.ts";
import { type Profile, rememberArms } from "../../../../src/core/visitor/profile.ts";
import { decodeProfile, encodeProfile } from "../../../../src/core/visitor/profile-cookie.ts";
import { heroExperiment } from "../../../fixtures/experiments.ts";

const ID = "hero-headline";
const SECRET = "a-test-secret-of-some-length";
const SINCE = "2026-12-01T00:00:00.000Z";
const op = (value: string) => [{ op: "setText" as const, selector: "#hero h1", value }];

const EXPERIMENT = heroExperiment({
  variants: [
    { id: "control", weight: 1 },
    { id: "a", weight: 1, ops: op("A") },
    { id: "b", weight: 1, ops: op("B") },
  ],
  allocation: { mode: "bandit", metric: "purchase" },
});

/** The rules as they stand in period `id` with these variant weights (period 1: the variants' own). */
function rulesInPeriod(id: number, weights?: Record<string, number>, phase = 1): Snapshot {
  return SnapshotSchema.parse({
    format: 1,
    version: id,
    createdAt: SINCE,
    author: "autopilot",
    message: "test",
    phases: {
      [ID]: {
        phase,
        since: SINCE,
        allocation: "x",
        highest: phase,
        ...(weights ? { period: { id, since: SINCE, weights, highest: id } } : {}),
      },
    },
    experiments: [EXPERIMENT],
  });
}

const EMPTY_PROFILE: Profile = {
  sessions: 1,
  lastSeen: 0,
  session: { start: 0, source: "direct", landing: "/", basketAdds: 0, purchased: false },
  categories: {},
  recent: [],
  seen: [],
  purchases: 0,
  lastPurchase: undefined,
};

/** One page view: the decision, and the profile as the visitor's browser would send it back (signed, parsed). */
async function view(snapshot: Snapshot, visitorId: string, profile: Profile) {
  const rules = compileRules(snapshot);
  const context = syntheticContext({ visitorId, ...(profile.arms ? { assigned: profile.arms } : {}) });
  const decision = decide(context, rules).find((d) => d.compiled.experiment.id === ID);
  if (!decision) throw new Error("not decided");
  const remembered = rememberArms(
    profile,
    decision.fresh && decision.period !== undefined
      ? [{ experiment: ID, phase: decision.compiled.phase, period: decision.period, arm: decision.arm }]
      : [],
  );
  const cookie = await encodeProfile(remembered ?? profile, visitorId, SECRET);
  const back = await decodeProfile(cookie, visitorId, SECRET);
  if (!back) throw new Error("profile did not survive the cookie");
  return {
    decision,
    profile: back,
    event: exposureEvents(context, [decision], { matched: [true], faulted: [false] }, 1, () =>
      crypto.randomUUID(),
    )[0] as AssignmentEvent | undefined,
  };
}

const hex32 = fc.stringMatching(/^[0-9a-f]{32}$/);
const weights = fc
  .tuple(fc.double({ min: 0.01, max: 1, noNaN: true }), fc.double({ min: 0.01, max: 1, noNaN: true }))
  .map(([a, b]) => ({ control: 0.2, a: (0.8 * a) / (a + b), b: (0.8 * b) / (a + b) }));

describe("a bandit visitor keeps the arm first assigned", () => {
  it("through any later reweights, with the first period on every exposure (property)", async () => {
    await fc.assert(
      fc.asyncProperty(
        hex32,
        fc.array(weights, { minLength: 1, maxLength: 6 }),
        async (visitor, reweights) => {
          const first = await view(rulesInPeriod(1), visitor, EMPTY_PROFILE);
          expect(first.decision.period).toBe(1);
          expect(first.event?.period).toBe(1);
          let profile = first.profile;
          for (const [index, next] of reweights.entries()) {
            const later = await view(rulesInPeriod(index + 2, next), visitor, profile);
            expect(later.decision.arm).toBe(first.decision.arm);
            expect(later.decision.period).toBe(1);
            expect(later.event?.period).toBe(1);
            expect(later.decision.fresh).toBeUndefined();
            profile = later.profile;
          }
        },
      ),
      { numRuns: 60 },
    );
  });

  it("while a new visitor is bucketed by the current period's weights and logged in it (property)", async () => {
    await fc.assert(
      fc.asyncProperty(hex32, weights, async (visitor, current) => {
        const snapshot = rulesInPeriod(4, current);
        const { decision } = await view(snapshot, visitor, EMPTY_PROFILE);
        const expected = assignVariant(
          EXPERIMENT.variants.map((variant) => ({ ...variant, weight: current[variant.id as "a"] })),
          1,
          bucket(ID, visitor),
        );
        expect(decision.arm).toBe(expected?.id);
        expect(decision.period).toBe(4);
        expect(decision.fresh).toBe(true);
      }),
      { numRuns: 100 },
    );
  });

  it("would move without the memory: a reweight shifts band edges (why the profile keeps the arm)", async () => {
    // Period 1 is 1/3 each; period 2 gives b 70%. Positions in [1/3, 2/3) were a; from 0.3 on they are b now.
    const moved = Array.from({ length: 400 }, (_, i) => i.toString(16).padStart(32, "0")).filter(
      (visitor) => {
        const position = bucket(ID, visitor);
        return position >= 1 / 3 && position < 2 / 3;
      },
    );
    expect(moved.length).toBeGreaterThan(20);
    const reweighted = rulesInPeriod(2, { control: 0.2, a: 0.1, b: 0.7 });
    for (const visitor of moved.slice(0, 20)) {
      const first = await view(rulesInPeriod(1), visitor, EMPTY_PROFILE);
      expect(first.decision.arm).toBe("a");
      expect((await view(reweighted, visitor, EMPTY_PROFILE)).decision.arm).toBe("b");
      expect((await view(reweighted, visitor, first.profile)).decision.arm).toBe("a");
    }
  });

  it("starts afresh in a new phase: an arm remembered from an earlier phase is not kept", async () => {
    const visitor = `${"0".repeat(31)}7`;
    const first = await view(rulesInPeriod(1), visitor, EMPTY_PROFILE);
    const other = first.decision.arm === "b" ? "a" : "b";
    const planted: Profile = { ...first.profile, arms: { [ID]: { phase: 1, period: 1, arm: other } } };
    expect((await view(rulesInPeriod(1), visitor, planted)).decision.arm).toBe(other);
    const nextPhase = await view(rulesInPeriod(1, undefined, 2), visitor, planted);
    expect(nextPhase.decision.arm).toBe(first.decision.arm);
    expect(nextPhase.profile.arms?.[ID]).toEqual({ phase: 2, period: 1, arm: first.decision.arm });
  });

  it("remembers at most ten bandit experiments, the newest kept", () => {
    let profile = EMPTY_PROFILE;
    for (let i = 0; i < 12; i++) {
      profile = rememberArms(profile, [{ experiment: `e${i}`, phase: 1, period: 1, arm: "a" }]) ?? profile;
    }
    expect(Object.keys(profile.arms ?? {})).toEqual([
      "e2",
      "e3",
      "e4",
      "e5",
      "e6",
      "e7",
      "e8",
      "e9",
      "e10",
      "e11",
    ]);
  });
});

describe("the remembered arms in the profile cookie", () => {
  it("fit the cookie cap with the longest ids and landing page, dropping other signals first, then the oldest arms", async () => {
    const long = (i: number) => `${String(i).padStart(2, "0")}${"x".repeat(61)}`;
    let profile: Profile = {
      ...EMPTY_PROFILE,
      session: { ...EMPTY_PROFILE.session, landing: `/${"l".repeat(199)}` },
      categories: Object.fromEntries(
        Array.from({ length: 12 }, (_, i) => [long(i), [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]]),
      ),
      recent: Array.from({ length: 8 }, (_, i) => long(i)),
      seen: Array.from({ length: 30 }, (_, i) => long(i)),
    };
    for (let i = 0; i < 10; i++) {
      profile =
        rememberArms(profile, [{ experiment: long(i), phase: 99, period: 9999, arm: long(i) }]) ?? profile;
    }
    const cookie = await encodeProfile(profile, "f".repeat(32), SECRET);
    const back = await decodeProfile(cookie, "f".repeat(32), SECRET);
    expect(back).toBeDefined();
    const kept = Object.keys(back?.arms ?? {});
    expect(kept.length).toBeGreaterThan(0);
    expect(kept.length).toBeLessThan(10);
    // Whatever was dropped, the newest arm stays, and nothing else survives ahead of the arms.
    expect(kept).toContain(long(9));
    expect(back?.seen).toEqual([]);
    expect(back?.recent).toEqual([]);
  });
});
