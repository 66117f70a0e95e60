import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { BROWSER_UA } from "../support/browser-agent.ts";
import { eventually, useDemoStack } from "../support/demo-stack.ts";
import { ROOT, runCli } from "../support/run-cli.ts";

const stack = useDemoStack();
const local = () => stack.local();
const HOME_RULES = join(ROOT, "rules", "home.json");

const CONTROL_HEADLINE = "Gear for every fell and fjord";

async function simulate(cookie: string, extra: string[]) {
  const result = await runCli([
    "simulate",
    "--url",
    `${stack.demo.proxyUrl}/`,
    "--cookie",
    cookie,
    "--rules",
    "active",
    "--origin",
    stack.demo.originUrl,
    "--json",
    ...extra,
    ...local(),
  ]);
  expect(result.code, result.stderr).toBe(0);
  return JSON.parse(result.stdout);
}

function headline(html: string): string | undefined {
  return /<section id="hero">\s*<h1>([^<]*)<\/h1>/.exec(html)?.[1];
}

async function page(path: string, cookie?: string) {
  const response = await fetch(`${stack.demo.proxyUrl}${path}`, {
    headers: { "user-agent": BROWSER_UA, ...(cookie ? { cookie } : {}) },
  });
  const setCookie = response.headers.get("set-cookie");
  return { html: await response.text(), cookie: setCookie?.split(";")[0] ?? cookie };
}

function writeRules(transform: (rules: { experiments: Array<Record<string, unknown>> }) => void) {
  const rules = JSON.parse(readFileSync(HOME_RULES, "utf8"));
  transform(rules);
  writeFileSync(join(stack.rulesDir, "home.json"), JSON.stringify(rules, null, 2));
}

describe("the demo stack and the CLI against local state", () => {
  it("serves fresh visitors both arms; a visitor in every control gets the origin's bytes", async () => {
    const origin = await (await fetch(`${stack.demo.originUrl}/`)).text();
    const headlines = new Set<string>();
    let comparedWithOrigin = false;
    for (let i = 0; i < 40 && !(headlines.size === 2 && comparedWithOrigin); i++) {
      const { html, cookie } = await page("/");
      headlines.add(headline(html) ?? "");
      if (comparedWithOrigin || headline(html) !== CONTROL_HEADLINE) continue;
      const simulated = await simulate(cookie as string, ["--decisions-only"]);
      const everyControl = simulated.decisions.every(
        (decision: { variant: string | null }) => decision.variant === null || decision.variant === "control",
      );
      if (simulated.programmeHoldout || everyControl) {
        expect(html).toBe(origin);
        comparedWithOrigin = true;
      }
    }
    expect([...headlines].sort()).toEqual(["Fell-tested kit, at your door tomorrow", CONTROL_HEADLINE]);
    expect(comparedWithOrigin).toBe(true);
  }, 120_000);

  it("keeps a returning visitor's cookie in one arm", async () => {
    const first = await page("/");
    for (let i = 0; i < 5; i++)
      expect(headline((await page("/", first.cookie)).html)).toBe(headline(first.html));
  }, 120_000);

  it("lists the exposures it logged through the queue with `stylist events --json`", async () => {
    const { cookie } = await page("/");
    const visitor = cookie?.split(".")[1];
    const events = await eventually(async () => {
      const result = await runCli(["events", "--json", "--limit", "1000", ...local()]);
      expect(result.code).toBe(0);
      const found = (
        JSON.parse(result.stdout) as Array<{ visitor: string; experiment: string; variant: string }>
      ).filter((e) => e.visitor === visitor);
      return found.length > 0 ? found : undefined;
    });
    // A fresh visitor is in the 5% programme holdout one time in twenty: then the page logs only that (see simulate).
    const heldBack = events.some((e) => e.experiment === "global-holdout" && e.variant === "holdout");
    if (heldBack) {
      expect(events.some((e) => e.experiment === "home-hero-promise")).toBe(false);
      expect(events.find((e) => e.experiment === "global-holdout")).toMatchObject({
        type: "exposure",
        path: "/",
      });
    } else
      expect(events.find((e) => e.experiment === "home-hero-promise")).toMatchObject({
        type: "exposure",
        experiment: "home-hero-promise",
        path: "/",
      });
  }, 120_000);

  it("simulates the same arm the worker served for a cookie", async () => {
    const { html, cookie } = await page("/");
    const simulated = await simulate(cookie as string, []);
    const served = headline(html) === CONTROL_HEADLINE ? "control" : "promise";
    if (simulated.programmeHoldout) {
      expect(served).toBe("control");
      expect(simulated.page.exposures).toEqual([{ experiment: "global-holdout", variant: "holdout" }]);
    } else {
      expect(simulated.decisions).toContainEqual(
        expect.objectContaining({ experiment: "home-hero-promise", variant: served }),
      );
      expect(simulated.page.exposures).toContainEqual({ experiment: "home-hero-promise", variant: served });
    }
  }, 120_000);

  it("refuses an invalid rule file with its path, and writes nothing", async () => {
    const before = await runCli(["history", "--json", ...local()]);
    writeRules((rules) => {
      const experiment = rules.experiments[0] as { variants: Array<{ ops?: Array<{ selector?: string }> }> };
      (experiment.variants[1]?.ops?.[0] as { selector: string }).selector = "h1 + p";
    });
    const result = await runCli(["push", "--dir", stack.rulesDir, ...local()]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(
      "home.json: experiments[0].variants[1].ops[0].selector: sibling combinators",
    );
    expect(result.stderr).toContain("nothing was written");
    expect((await runCli(["history", "--json", ...local()])).stdout).toBe(before.stdout);
  }, 120_000);

  it("pushes a new headline that visitors get, then rolls it back", async () => {
    writeRules((rules) => {
      const experiment = rules.experiments[0] as {
        variants: Array<{ weight: number; ops?: Array<{ value?: string }> }>;
      };
      experiment.variants[0] = { ...experiment.variants[0], weight: 0 } as never;
      (experiment.variants[1]?.ops?.[0] as { value: string }).value = "Pushed from the CLI";
    });
    const diff = await runCli(["diff", "--dir", stack.rulesDir, ...local()]);
    expect(diff.stdout).toContain(
      'variants[1].ops[0].value: "Fell-tested kit, at your door tomorrow" → "Pushed from the CLI"',
    );
    const push = await runCli(["push", "--dir", stack.rulesDir, "-m", "e2e headline", ...local()]);
    expect(push.code, push.stderr).toBe(0);
    const pushed = Number(/pushed version (\d+)/.exec(push.stdout)?.[1]);
    await eventually(async () =>
      headline((await page("/")).html) === "Pushed from the CLI" ? true : undefined,
    );

    const history = JSON.parse((await runCli(["history", "--json", ...local()])).stdout);
    expect(history[0]).toMatchObject({ version: pushed, active: true, message: "e2e headline" });

    const rollback = await runCli(["rollback", ...local()]);
    expect(rollback.stdout).toContain(`active version is now ${pushed - 1} (was ${pushed}`);
    await eventually(async () => {
      const seen = headline((await page("/")).html);
      return seen !== "Pushed from the CLI" ? seen : undefined;
    });
  }, 180_000);

  it("kills every experiment so every visitor gets the origin page, and revives them", async () => {
    const origin = await (await fetch(`${stack.demo.originUrl}/`)).text();
    const killed = await runCli(["kill", "--all", ...local()]);
    expect(killed.code).toBe(0);
    expect(killed.stdout).toContain("Workers stop serving every experiment");
    await eventually(async () => {
      for (let i = 0; i < 6; i++) if ((await page("/")).html !== origin) return undefined;
      return true;
    });
    const list = JSON.parse((await runCli(["list", "--json", ...local()])).stdout);
    expect(list.experiments).toContainEqual(
      expect.objectContaining({ id: "home-hero-promise", status: "killed" }),
    );
    const revived = await runCli(["kill", "--all", "--revive", ...local()]);
    expect(revived.code).toBe(0);
    expect(revived.stdout).toContain("Workers serve every experiment again");
    await eventually(async () => ((await page("/")).html !== origin ? true : undefined));
  }, 180_000);

  it("forgets one visitor's events, and prunes by age", async () => {
    const { cookie } = await page("/");
    const visitor = cookie?.split(".")[1] as string;
    await eventually(async () => {
      const listed = JSON.parse(
        (await runCli(["events", "--json", "--limit", "1000", ...local()])).stdout,
      ) as Array<{ visitor: string }>;
      return listed.some((event) => event.visitor === visitor) ? true : undefined;
    });
    const forget = await runCli(["forget", visitor, ...local()]);
    expect(forget.code, forget.stderr).toBe(0);
    expect(forget.stdout).toMatch(/deleted [1-9]\d* exposure\/miss event\(s\)/);
    const after = JSON.parse(
      (await runCli(["events", "--json", "--limit", "1000", ...local()])).stdout,
    ) as Array<{ visitor: string }>;
    expect(after.some((event) => event.visitor === visitor)).toBe(false);
    const dryRun = await runCli(["prune", "--older-than", "1s", "--force", "--dry-run", ...local()]);
    expect(dryRun.stdout).toMatch(/would delete [1-9]\d* event\(s\)/);
    const pruned = await runCli(["prune", "--older-than", "1s", "--force", ...local()]);
    expect(pruned.stdout).toMatch(/deleted [1-9]\d* event\(s\)/);
  }, 180_000);
});
