import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";

/** A rule directory for report CLI tests: the 50/50 "hero" test with a plan, and a "bounce" guardrail goal. */
export function writeHeroRules(dir: string, experiment: Record<string, unknown> = {}): string {
  const rules = join(dir, "rules");
  mkdirSync(rules, { recursive: true });
  writeFileSync(
    join(rules, "settings.json"),
    JSON.stringify({ settings: { goals: [{ id: "bounce", direction: "decrease" }] } }),
  );
  writeFileSync(
    join(rules, "hero.json"),
    JSON.stringify({
      experiments: [
        {
          id: "hero",
          name: "Hero: a delivery promise",
          hypothesis: "A concrete delivery promise in the hero lifts purchases",
          status: "running",
          pages: ["/"],
          variants: [
            { id: "control", weight: 50 },
            { id: "promise", weight: 50, ops: [{ op: "setText", selector: "#hero h1", value: "Tomorrow" }] },
          ],
          metrics: { primary: "purchase", guardrails: ["bounce"] },
          plan: { baselineRate: 0.05, minimumEffect: 0.1 },
          ...experiment,
        },
      ],
    }),
  );
  return rules;
}
