import { defineCommand } from "citty";
import { expectedDurationDays, sampleSizePerArm } from "../../stats/index.ts";
import { CLIError, EXIT } from "../errors.ts";
import { printJson, table } from "../output.ts";

function number(
  value: string | undefined,
  flag: string,
  check: (n: number) => boolean,
  expected: string,
): number | undefined {
  if (value === undefined) return undefined;
  const parsed = Number(value);
  if (!Number.isFinite(parsed) || !check(parsed))
    throw new CLIError(`--${flag} takes ${expected}, not "${value}"`, EXIT.invalid);
  return parsed;
}

/**
 * The plan as data: visitors per arm (R's power.prop.test n, rounded up), and the run it implies. With more than
 * two arms the report Holm-adjusts the primary metric across the arms − 1 comparisons, so n is solved at the
 * Bonferroni level α/(arms − 1) — Holm rejects whatever Bonferroni does, so each comparison keeps at least the
 * planned power (the report's sample-size gate uses the same n).
 */
export function planFigures(input: {
  baseline: number;
  mde: number;
  relative: boolean;
  alpha: number;
  power: number;
  arms: number;
  dailyVisitors: number | undefined;
}) {
  const comparisons = input.arms - 1;
  const alphaPerComparison = input.alpha / comparisons;
  const exact = sampleSizePerArm({ ...input, alpha: alphaPerComparison });
  const visitorsPerArm = Math.ceil(exact);
  const treatment = input.relative ? input.baseline * (1 + input.mde) : input.baseline + input.mde;
  const days =
    input.dailyVisitors === undefined
      ? null
      : expectedDurationDays({ nPerArm: exact, arms: input.arms, dailyVisitors: input.dailyVisitors });
  return {
    baseline: input.baseline,
    treatment,
    mde: input.mde,
    relative: input.relative,
    alpha: input.alpha,
    power: input.power,
    arms: input.arms,
    correction: comparisons > 1 ? "bonferroni" : "none",
    alphaPerComparison,
    n: exact,
    visitorsPerArm,
    totalVisitors: visitorsPerArm * input.arms,
    dailyVisitors: input.dailyVisitors ?? null,
    days,
    weeks: days === null ? null : Math.max(1, Math.ceil(days / 7)),
  };
}

/** The same plan as a rule file's experiment states it, so the CLI and the report agree on what was planned. */
function rulesPlan(plan: ReturnType<typeof planFigures>) {
  return {
    baselineRate: plan.baseline,
    minimumEffect: plan.relative ? plan.mde : Number((plan.mde / plan.baseline).toPrecision(6)),
    ...(plan.alpha !== 0.05 ? { alpha: plan.alpha } : {}),
    ...(plan.power !== 0.8 ? { power: plan.power } : {}),
  };
}

export default defineCommand({
  meta: {
    name: "plan",
    description: "Visitors per arm and run length to detect an effect on a conversion rate",
  },
  args: {
    baseline: { type: "string", description: "The control's conversion rate, e.g. 0.05", required: true },
    mde: {
      type: "string",
      description:
        "Smallest effect worth detecting, relative like the rules' plan.minimumEffect (0.1 = +10%); with --absolute, in points (0.005 = +0.5 points)",
      required: true,
    },
    absolute: { type: "boolean", description: "Read --mde as absolute points of conversion rate" },
    relative: {
      type: "boolean",
      description: "Read --mde as a relative lift (the default; kept for scripts)",
    },
    alpha: { type: "string", description: "Two-sided significance level", default: "0.05" },
    power: { type: "string", description: "Chance of detecting the effect if it is real", default: "0.8" },
    arms: { type: "string", description: "Arms, control included", default: "2" },
    "daily-visitors": {
      type: "string",
      description: "Visitors entering the experiment per day, for the run length",
    },
    json: { type: "boolean", description: "Print as JSON" },
  },
  run({ args }) {
    const rate = (n: number) => n > 0 && n < 1;
    if (args.absolute && args.relative)
      throw new CLIError("--absolute and --relative contradict each other: pick one", EXIT.invalid);
    const input = {
      baseline: number(args.baseline, "baseline", rate, "a rate between 0 and 1") as number,
      mde: number(args.mde, "mde", (n) => n !== 0, "a non-zero effect") as number,
      // Relative by default, as the rules' plan.minimumEffect is: the same number means the same plan in both.
      relative: !args.absolute,
      alpha: number(args.alpha, "alpha", (n) => n > 0 && n < 0.5, "a level between 0 and 0.5") as number,
      power: number(args.power, "power", (n) => n > 0.5 && n < 1, "a power between 0.5 and 1") as number,
      arms: number(args.arms, "arms", (n) => Number.isInteger(n) && n >= 2, "a whole number ≥ 2") as number,
      dailyVisitors: number(args["daily-visitors"], "daily-visitors", (n) => n > 0, "a positive number"),
    };
    let plan: ReturnType<typeof planFigures>;
    try {
      plan = planFigures(input);
    } catch (error) {
      throw new CLIError((error as Error).message, EXIT.invalid);
    }
    if (args.json) return printJson(plan);
    const pct = (x: number) => `${(x * 100).toFixed(2)}%`;
    const rows = [
      [
        "effect",
        `${pct(plan.baseline)} → ${pct(plan.treatment)} (${plan.relative ? `+${(plan.mde * 100).toFixed(1)}% relative` : `${plan.mde > 0 ? "+" : ""}${(plan.mde * 100).toFixed(2)} points`})`,
      ],
      [
        "test",
        `two-sided, alpha ${plan.alpha}${plan.arms > 2 ? ` (${plan.alphaPerComparison.toPrecision(2)} per comparison for ${plan.arms - 1} variants)` : ""}, power ${plan.power} (R power.prop.test n = ${plan.n.toFixed(2)})`,
      ],
      ["visitors per arm", plan.visitorsPerArm.toLocaleString("en-GB")],
      [`total (${plan.arms} arms)`, plan.totalVisitors.toLocaleString("en-GB")],
    ];
    if (plan.days !== null) {
      rows.push([
        "run",
        `${plan.days} days at ${plan.dailyVisitors?.toLocaleString("en-GB")} visitors a day; plan ${plan.weeks} whole week(s)`,
      ]);
    }
    console.log(table(["", ""], rows).split("\n").slice(2).join("\n"));
    console.log(
      `\n--mde read as ${plan.relative ? "a relative lift (--absolute for points)" : "absolute points (without --absolute: a relative lift)"}. In the rules: "plan": ${JSON.stringify(rulesPlan(plan))}`,
    );
    if (plan.arms > 2) {
      console.log(
        `\nWith ${plan.arms - 1} variants against the control the report adjusts p-values (Holm), so this plan is solved at alpha ${plan.alphaPerComparison.toPrecision(2)} per comparison: each keeps at least ${plan.power} power.`,
      );
    }
  },
});
