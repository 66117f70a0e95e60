import { describe, expect, it } from "vitest";
import { relativeLiftOfMeans } from "../../../src/stats/means.ts";
import { absoluteLiftOfProportions, relativeLiftOfProportions } from "../../../src/stats/proportions.ts";
import { confidenceSequence } from "../../../src/stats/sequential.ts";
import { expectPrinted, seededRandom } from "./printed.ts";

describe("always-valid confidence sequences", () => {
  it("reproduces GrowthBook's sequential test on revenue", () => {
    // GrowthBook gbstats tests/frequentist/test_tests.py, test_sequential_test_runs: control
    // SampleMeanStatistic(sum=1396.87, sum_squares=52377.9767, n=3000), treatment (sum=2422.7,
    // sum_squares=134698.29, n=3461), tuning 1000 → expected 0.50336, stddev 0.33341, ci [-0.55844, 1.56516].
    const lift = relativeLiftOfMeans(
      { n: 3000, sum: 1396.87, sumSquares: 52377.9767 },
      { n: 3461, sum: 2422.7, sumSquares: 134698.29 },
    );
    expectPrinted(lift.estimate, "0.50336");
    expectPrinted(lift.standardError, "0.33341");
    const sequence = confidenceSequence({ ...lift, n: 3000 + 3461, tuning: 1000 });
    expectPrinted(sequence.lower, "-0.55844");
    expectPrinted(sequence.upper, "1.56516");
  });

  it("reproduces GrowthBook's sequential test on conversions with the default tuning", () => {
    // Same file, test_sequential_test_runs_prop: 1396/3000 → 2422/3461, default tuning (5000) →
    // expected 0.50386, stddev 0.03386, ci [0.40098, 0.60675].
    const lift = relativeLiftOfProportions({ n: 3000, conversions: 1396 }, { n: 3461, conversions: 2422 });
    expectPrinted(lift.estimate, "0.50386");
    expectPrinted(lift.standardError, "0.03386");
    const sequence = confidenceSequence({ ...lift, n: 3000 + 3461 });
    expectPrinted(sequence.lower, "0.40098");
    expectPrinted(sequence.upper, "0.60675");
  });

  it("is always wider than the fixed-horizon interval and tightest near the tuning sample size", () => {
    const lift = relativeLiftOfMeans(
      { n: 3000, sum: 1396.87, sumSquares: 52377.9767 },
      { n: 3461, sum: 2422.7, sumSquares: 134698.29 },
    );
    const width = (tuning: number) => confidenceSequence({ ...lift, n: 6461, tuning }).halfWidth;
    const fixed = (lift.ci[1] - lift.ci[0]) / 2;
    for (const tuning of [10, 1000, 6461, 1e4, 1e6]) expect(width(tuning)).toBeGreaterThan(fixed);
    // As in GrowthBook's test_sequential_test_tuning_as_expected.
    expect(width(6461)).toBeLessThan(width(10));
    expect(width(6461)).toBeLessThan(width(10_000));
    expect(width(10_000)).toBeLessThan(width(10));
  });

  it("keeps false alarms near alpha under daily peeking, where fixed intervals do not (seeded A/A simulation)", () => {
    const random = seededRandom(424242);
    const runs = 300;
    const peeks = 20;
    const perPeek = 400; // visitors per arm between looks
    const rate = 0.1;
    let sequentialAlarms = 0;
    let naiveAlarms = 0;
    for (let run = 0; run < runs; run++) {
      const control = { n: 0, conversions: 0 };
      const treatment = { n: 0, conversions: 0 };
      let sequentialFired = false;
      let naiveFired = false;
      for (let peek = 0; peek < peeks; peek++) {
        for (let i = 0; i < perPeek; i++) {
          control.conversions += random() < rate ? 1 : 0;
          treatment.conversions += random() < rate ? 1 : 0;
        }
        control.n += perPeek;
        treatment.n += perPeek;
        const lift = absoluteLiftOfProportions(control, treatment);
        const sequence = confidenceSequence({ ...lift, n: control.n + treatment.n });
        if (sequence.lower > 0 || sequence.upper < 0) sequentialFired = true;
        if (lift.ci[0] > 0 || lift.ci[1] < 0) naiveFired = true;
      }
      if (sequentialFired) sequentialAlarms++;
      if (naiveFired) naiveAlarms++;
    }
    // Peeking 20 times at a fixed 95% interval raises false alarms far above 5%; the sequence stays below it
    // (300 runs: a 5% rate has sd 1.3%, so 8% is over two sd of slack).
    expect(naiveAlarms / runs).toBeGreaterThan(0.12);
    expect(sequentialAlarms / runs).toBeLessThan(0.08);
  });

  it("rejects a non-positive sample size or tuning parameter", () => {
    expect(() => confidenceSequence({ estimate: 0, standardError: 1, n: 0 })).toThrow(RangeError);
    expect(() => confidenceSequence({ estimate: 0, standardError: 1, n: 10, tuning: 0 })).toThrow(RangeError);
    expect(() => confidenceSequence({ estimate: 0, standardError: 1, n: 10, alpha: 0 })).toThrow(RangeError);
  });
});
