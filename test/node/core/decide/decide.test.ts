import { describe, expect, it } from "vitest";
import { compileRules } from "../../../../src/core/decide/compile.ts";
import { decide, evaluate } from "../../../../src/core/decide/decide.ts";
import { type ExperimentInput, ExperimentSchema } from "../../../../src/core/schema/experiment.ts";
import { syntheticContext, type VisitorContext } from "../../../../src/core/visitor/context.ts";
import { VALID_RULE_FILE } from "../../../fixtures/rule-sources.ts";

const experiment = (overrides: Partial<ExperimentInput>) =>
  ExperimentSchema.parse({ ...VALID_RULE_FILE.experiments[0], ...overrides });

const visitor = (overrides: Partial<VisitorContext> = {}): VisitorContext =>
  syntheticContext({ visitorId: "0123456789abcdef0123456789abcdef", ...overrides });

const ids = (n: number) => Array.from({ length: n }, (_, i) => i.toString(16).padStart(32, "0"));

describe("deciding arms", () => {
  it("gives the same visitor the same arm every time", () => {
    const rules = compileRules({ version: 1, experiments: [experiment({})], killed: [] });
    const first = decide(visitor(), rules)[0]?.variant.id;
    for (let i = 0; i < 20; i++) expect(decide(visitor(), rules)[0]?.variant.id).toBe(first);
  });

  it("splits visitors close to the configured weights", () => {
    const rules = compileRules({
      version: 1,
      experiments: [
        experiment({
          variants: [
            { id: "control", weight: 80 },
            { id: "b", weight: 20, ops: [{ op: "remove", selector: "#x" }] },
          ],
        }),
      ],
      killed: [],
    });
    const counts = { control: 0, b: 0 };
    for (const id of ids(20_000))
      counts[decide(visitor({ visitorId: id }), rules)[0]?.variant.id as "control" | "b"]++;
    // Binomial(20000, 0.2): sd = sqrt(20000 × 0.2 × 0.8) = 56.6; 4 sd = 226.
    expect(Math.abs(counts.b - 4_000)).toBeLessThan(226);
  });

  it("only decides for running, unkilled experiments whose pages match", () => {
    const rules = compileRules({
      version: 1,
      experiments: [
        experiment({ id: "home" }),
        experiment({ id: "paused", status: "paused" }),
        experiment({ id: "products", pages: ["/products/*"] }),
        experiment({ id: "killed" }),
      ],
      killed: ["killed"],
    });
    expect(decide(visitor(), rules).map((d) => d.compiled.experiment.id)).toEqual(["home"]);
    expect(decide(visitor({ path: "/products/boot" }), rules).map((d) => d.compiled.experiment.id)).toEqual([
      "products",
    ]);
    expect(decide(visitor({ path: "/products/boot/reviews" }), rules)).toEqual([]);
  });

  it("keeps rule order when exact and wildcard page patterns both match", () => {
    const rules = compileRules({
      version: 1,
      experiments: [
        experiment({ id: "everywhere", pages: ["/**"] }),
        experiment({ id: "home", pages: ["/"] }),
      ],
      killed: [],
    });
    expect(decide(visitor(), rules).map((d) => d.compiled.experiment.id)).toEqual(["everywhere", "home"]);
  });

  it("applies audiences: visitor type, device, country, UTM source and path, composed with all/any/not", () => {
    const rules = compileRules({
      version: 1,
      experiments: [
        experiment({
          pages: ["/**"],
          audience: {
            all: [
              { visitor: "returning" },
              { any: [{ device: ["mobile"] }, { country: ["GB"] }] },
              { not: { utmSource: ["newsletter"] } },
              { not: { path: ["/checkout/**"] } },
            ],
          },
        }),
      ],
      killed: [],
    });
    const inAudience = (context: Partial<VisitorContext>) => decide(visitor(context), rules).length === 1;
    expect(inAudience({ visitor: "returning", device: "mobile" })).toBe(true);
    expect(inAudience({ visitor: "returning", country: "GB" })).toBe(true);
    expect(inAudience({ visitor: "new", device: "mobile" })).toBe(false);
    expect(inAudience({ visitor: "returning", device: "desktop", country: "FR" })).toBe(false);
    expect(inAudience({ visitor: "returning", device: "mobile", utm: { source: "newsletter" } })).toBe(false);
    expect(inAudience({ visitor: "returning", device: "mobile", path: "/checkout/pay" })).toBe(false);
  });

  it("explains who is left out and why", () => {
    const rules = compileRules({
      version: 1,
      experiments: [
        experiment({ id: "mobile-only", audience: { device: ["mobile"] } }),
        experiment({ id: "tenth", coverage: 0.1 }),
      ],
      killed: [],
    });
    const excluded = ids(200)
      .flatMap((id) => evaluate(visitor({ visitorId: id }), rules))
      .map((evaluation) => `${evaluation.compiled.experiment.id}:${evaluation.excludedBy ?? "in"}`);
    expect(new Set(excluded)).toEqual(new Set(["mobile-only:audience", "tenth:coverage", "tenth:in"]));
  });
});
