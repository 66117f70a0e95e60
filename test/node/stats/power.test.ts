import { describe, expect, it } from "vitest";
import {
  detectableRate,
  expectedDurationDays,
  powerTwoProportions,
  sampleSizePerArm,
} from "../../../src/stats/power.ts";
import { expectPrinted, expectRelative } from "./printed.ts";

describe("sample size and power for two conversion rates (R power.prop.test)", () => {
  it("reproduces the examples on R's power.prop.test help page", () => {
    // R ?power.prop.test examples and their comments:
    //   power.prop.test(n = 50, p1 = .50, p2 = .75)      ## => power = 0.740   (console: power = 0.7401659)
    //   power.prop.test(p1 = .50, p2 = .75, power = .90) ## =>     n = 76.7
    //   power.prop.test(n = 50, p1 = .5, power = .90)    ## =>    p2 = 0.8026
    //   power.prop.test(p1 = .5, p2 = 0.501, sig.level=.001, power=0.90)  ## => n = 10451937
    expectPrinted(powerTwoProportions({ nPerArm: 50, p1: 0.5, p2: 0.75 }), "0.7401659");
    expectPrinted(sampleSizePerArm({ baseline: 0.5, mde: 0.25, power: 0.9 }), "76.7");
    expectPrinted(detectableRate({ nPerArm: 50, baseline: 0.5, power: 0.9 }), "0.8026");
    expectPrinted(sampleSizePerArm({ baseline: 0.5, mde: 0.001, alpha: 0.001, power: 0.9 }), "10451937");
  });

  it("solves R's power equation exactly, so power at the returned n is the target", () => {
    for (const [baseline, mde, power] of [
      [0.5, 0.25, 0.9],
      [0.03, 0.003, 0.8],
      [0.2, -0.05, 0.95],
    ] as const) {
      const n = sampleSizePerArm({ baseline, mde, power });
      expectRelative(powerTwoProportions({ nPerArm: n, p1: baseline, p2: baseline + mde }), power, 1e-12);
    }
  });

  it("reads a relative MDE as a multiple of the baseline", () => {
    const relative = sampleSizePerArm({ baseline: 0.05, mde: 0.1, relative: true });
    const absolute = sampleSizePerArm({ baseline: 0.05, mde: 0.005 });
    expectRelative(relative, absolute, 1e-12);
  });

  it("needs more visitors for smaller effects, more power and stricter alpha", () => {
    const base = sampleSizePerArm({ baseline: 0.1, mde: 0.01 });
    expect(sampleSizePerArm({ baseline: 0.1, mde: 0.005 })).toBeGreaterThan(base);
    expect(sampleSizePerArm({ baseline: 0.1, mde: 0.01, power: 0.9 })).toBeGreaterThan(base);
    expect(sampleSizePerArm({ baseline: 0.1, mde: 0.01, alpha: 0.01 })).toBeGreaterThan(base);
  });

  it("rejects rates outside (0, 1) and a zero effect", () => {
    expect(() => sampleSizePerArm({ baseline: 0.95, mde: 0.1 })).toThrow(RangeError);
    expect(() => sampleSizePerArm({ baseline: 0, mde: 0.1 })).toThrow(RangeError);
    expect(() => sampleSizePerArm({ baseline: 0.1, mde: 0 })).toThrow(RangeError);
    expect(() => sampleSizePerArm({ baseline: 0.1, mde: 0.01, power: 1 })).toThrow(RangeError);
  });

  it("reports no detectable rate when even a certain conversion would fall short", () => {
    expect(detectableRate({ nPerArm: 2, baseline: 0.5, power: 0.99 })).toBeNaN();
  });
});

describe("expected duration", () => {
  it("rounds visitors up per arm and days up to whole days", () => {
    // By hand: R's n = 76.7069 → 77 per arm; 2 arms × 77 = 154 visitors at 20 a day = 7.7 → 8 days.
    const nPerArm = sampleSizePerArm({ baseline: 0.5, mde: 0.25, power: 0.9 });
    expect(expectedDurationDays({ nPerArm, arms: 2, dailyVisitors: 20 })).toBe(8);
    // Three arms of 10,000 at 3,000 visitors a day: exactly 10 days.
    expect(expectedDurationDays({ nPerArm: 10_000, arms: 3, dailyVisitors: 3_000 })).toBe(10);
  });

  it("rejects fewer than two arms or no traffic", () => {
    expect(() => expectedDurationDays({ nPerArm: 100, arms: 1, dailyVisitors: 10 })).toThrow(RangeError);
    expect(() => expectedDurationDays({ nPerArm: 100, arms: 2, dailyVisitors: 0 })).toThrow(RangeError);
  });
});
