import { describe, expect, it } from "vitest";
import * as stats from "../../../src/stats/index.ts";

describe("statistics index", () => {
  it("exposes the report's functions from one entry point", () => {
    const functions = [
      stats.normalCdf,
      stats.normalQuantile,
      stats.studentTCdf,
      stats.studentTQuantile,
      stats.chiSquareSurvival,
      stats.logGamma,
      stats.twoProportionZTest,
      stats.absoluteLiftOfProportions,
      stats.relativeLiftOfProportions,
      stats.fisherExactTest,
      stats.welchTTest,
      stats.relativeLiftOfMeans,
      stats.relativeLiftOfRatios,
      stats.sampleRatioMismatch,
      stats.holmBonferroni,
      stats.sampleSizePerArm,
      stats.expectedDurationDays,
      stats.chanceToBeatControlProportions,
      stats.chanceToBeatControlMeans,
      stats.confidenceSequence,
    ];
    for (const fn of functions) expect(typeof fn).toBe("function");
    expect(stats.SRM_THRESHOLD).toBe(0.001);
    expect(stats.DEFAULT_SEQUENTIAL_TUNING).toBe(5000);
  });

  it("imports nothing from Node or the Workers runtime", async () => {
    const { readdir, readFile } = await import("node:fs/promises");
    const directory = new URL("../../../src/stats/", import.meta.url);
    for (const file of await readdir(directory)) {
      const source = await readFile(new URL(file, directory), "utf8");
      for (const [, specifier] of source.matchAll(/from\s+"([^"]+)"/g))
        expect(specifier).toMatch(/^\.\/[\w-]+\.ts$/);
    }
  });
});
