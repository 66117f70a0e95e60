import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { BROWSER_UA } from "../support/browser-agent.ts";
import { eventually, useDemoStack } from "../support/demo-stack.ts";
import { ROOT, runCli } from "../support/run-cli.ts";

// The lifecycle walk-through from the README, on the demo stack: three experiments in one layer on the home page
// plus the programme holdout; preview; pause; roll out with a holdout; a bad push rolled back in one command.
const stack = useDemoStack();
const local = () => stack.local();

type UspRules = { experiments: Array<Record<string, unknown>> };
function editUsp(change: (rules: UspRules) => void) {
  const path = join(stack.rulesDir, "home-usp.json");
  const rules = JSON.parse(readFileSync(path, "utf8")) as UspRules;
  change(rules);
  writeFileSync(path, JSON.stringify(rules, null, 2));
}
const experimentIn = (rules: UspRules, id: string) =>
  rules.experiments.find((e) => e.id === id) as Record<string, unknown>;

async function push(message: string) {
  const result = await runCli(["push", "--dir", stack.rulesDir, "-m", message, ...local()]);
  expect(result.code, result.stderr).toBe(0);
}

async function homePages(count: number) {
  const pages: string[] = [];
  for (let i = 0; i < count; i++) {
    pages.push(
      await (await fetch(`${stack.demo.proxyUrl}/`, { headers: { "user-agent": BROWSER_UA } })).text(),
    );
  }
  return pages;
}

async function events(experiment: string) {
  const result = await runCli([
    "events",
    "--json",
    "--limit",
    "10000",
    "--experiment",
    experiment,
    ...local(),
  ]);
  return JSON.parse(result.stdout) as Array<{ variant: string; phase: number; type: string; ts: number }>;
}

describe("an experiment's lifecycle on the demo home page", () => {
  it("runs three experiments in one layer: no visitor sees two of them", async () => {
    for (const html of await homePages(40)) {
      const shown = [
        html.includes("Order by 2pm, delivered tomorrow"),
        html.includes("Rated 4.8/5"),
        html.includes("usp-bar--green"),
      ].filter(Boolean);
      expect(shown.length).toBeLessThanOrEqual(1);
    }
    const logged = await eventually(async () => {
      const found = await Promise.all(
        ["usp-delivery-first", "usp-social-proof", "usp-green", "global-holdout"].map(events),
      );
      return found.every((list) => list.length > 0) ? found : undefined;
    });
    expect(new Set(logged[3]?.map((event) => event.variant))).toContain("personalised");
  }, 240_000);

  it("previews any arm from a signed link, without logging it", async () => {
    // Events of earlier page views may still be on their way through the queue, so count only what is newer.
    const start = Date.now();
    const link = await runCli([
      "preview",
      "usp-social-proof",
      "rating",
      "--site",
      stack.demo.proxyUrl,
      "--ttl",
      "10min",
      ...local(),
    ]);
    expect(link.code, link.stderr).toBe(0);
    // The link is signed with the secret in .dev.vars now; the worker checks with what it read at start.
    expect(readFileSync(join(ROOT, ".dev.vars"), "utf8")).toBe(stack.devVarsAtStart);
    const response = await fetch(link.stdout.trim(), { headers: { "user-agent": BROWSER_UA } });
    const html = await response.text();
    const why = await (
      await fetch(`${stack.demo.proxyUrl}/_stylist/why`, {
        headers: { "user-agent": BROWSER_UA, accept: "application/json" },
      })
    ).text();
    expect(
      html,
      `link ${link.stdout.trim()}; set-cookie ${response.headers.get("set-cookie")}; why ${why}`,
    ).toContain("Rated 4.8/5");
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    expect((await events("usp-social-proof")).filter((event) => event.ts >= start)).toEqual([]);
  }, 120_000);

  it("pauses one experiment: nobody gets its variant", async () => {
    editUsp((rules) => {
      experimentIn(rules, "usp-green").status = "paused";
    });
    await push("pause usp-green");
    await eventually(async () =>
      (await homePages(30)).every((html) => !html.includes("usp-bar--green")) ? true : undefined,
    );
  }, 180_000);

  it("rolls another out with a holdout, in a new phase logged with the rolled-out arm and the holdout", async () => {
    editUsp((rules) => {
      Object.assign(experimentIn(rules, "usp-delivery-first"), {
        status: "rolled-out",
        rollout: "delivery-first",
        holdout: 0.2,
      });
    });
    await push("roll out delivery-first");
    await homePages(60);
    const phase2 = await eventually(async () => {
      const found = (await events("usp-delivery-first")).filter(
        (event) => event.phase === 2 && event.type === "exposure",
      );
      const arms = new Set(found.map((event) => event.variant));
      return arms.has("holdout") && arms.has("delivery-first") ? arms : undefined;
    });
    expect([...phase2].sort()).toEqual(["delivery-first", "holdout"]);
  }, 240_000);

  it("rolls back a bad push in one command", async () => {
    editUsp((rules) => {
      const social = experimentIn(rules, "usp-social-proof") as {
        variants: Array<{ ops?: Array<{ html?: string }> }>;
      };
      (social.variants[1]?.ops?.[0] as { html: string }).html = "<li>BROKEN COPY</li>";
      social.variants[0] = { ...(social.variants[0] as object), weight: 0 } as never;
    });
    await push("bad copy");
    await eventually(async () =>
      (await homePages(30)).some((html) => html.includes("BROKEN COPY")) ? true : undefined,
    );
    const rollback = await runCli(["rollback", ...local()]);
    expect(rollback.code, rollback.stderr).toBe(0);
    await eventually(async () =>
      (await homePages(30)).every((html) => !html.includes("BROKEN COPY")) ? true : undefined,
    );
  }, 240_000);
});
