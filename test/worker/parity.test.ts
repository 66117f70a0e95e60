import { createExecutionContext, env, waitOnExecutionContext } from "cloudflare:test";
import { beforeEach, describe, expect, it } from "vitest";
import { planResponse } from "../../src/core/page-view/plan-response.ts";
import { preparePageView } from "../../src/core/page-view/prepare-page-view.ts";
import type { QueueBody, StylistEvent } from "../../src/core/schema/event.ts";
import { kvRuleStore } from "../../src/rules/store.ts";
import { validateRuleSources } from "../../src/rules/validate.ts";
import { pushRules } from "../../src/rules/versions.ts";
import worker from "../../src/worker/index.ts";
import { clearRulesCache, loadRules } from "../../src/worker/rules.ts";
import { describeEvent, PARITY_RULES, PARITY_SECRET, parityCases } from "../fixtures/parity.ts";

/**
 * The worker side of the parity test (the simulate side is test/cli/parity.test.ts): each request goes through the
 * worker, and through the core pipeline directly, and both must match the shared expectations.
 */
beforeEach(async () => {
  clearRulesCache();
  const valid = validateRuleSources([{ file: "parity.json", text: JSON.stringify(PARITY_RULES) }]);
  expect(valid.errors).toEqual([]);
  await pushRules(kvRuleStore(env.RULES), valid, { author: "test", message: "parity" });
});

function requestOf(path: string, headers: Record<string, string>, cookies: string[]) {
  return new Request(`https://shop.example${path}`, {
    headers: { ...headers, cookie: cookies.join("; ") },
    redirect: "manual",
  });
}

const cases = await parityCases(Date.now());

describe("the worker serves and logs what the page-view pipeline decides (parity with simulate)", () => {
  it("uses the workers' visitor secret, the one simulate is given", () => {
    expect(env.VISITOR_SECRET).toBe(PARITY_SECRET);
  });

  it.each(cases.map((entry) => [entry.name, entry] as const))("%s", async (_name, entry) => {
    const now = Date.now();
    const view = await preparePageView({
      request: requestOf(entry.path, entry.headers, entry.cookies),
      geo: undefined,
      verifiedBot: false,
      secret: env.VISITOR_SECRET,
      secrets: env as unknown as Record<string, unknown>,
      now,
      loadRules: () => loadRules(env, now),
      loadCatalogue: async () => {
        throw new Error("no catalogue in this fixture");
      },
    });
    const plan = planResponse(view.decisions, new URL(`https://shop.example${entry.path}`), view.rules);
    expect({
      gate: view.gate ?? null,
      served: view.decisions.map((decision) => `${decision.compiled.experiment.id}/${decision.arm}`),
      response:
        plan.kind === "redirect" ? { kind: plan.kind, location: plan.location.href } : { kind: plan.kind },
    }).toEqual({
      gate: entry.expected.gate,
      served: entry.expected.served,
      response: entry.expected.response,
    });

    const sent: StylistEvent[] = [];
    const events = {
      sendBatch: async (packs: Iterable<{ body: QueueBody }>) => {
        for (const pack of packs) sent.push(...("events" in pack.body ? pack.body.events : [pack.body]));
      },
      send: async (body: QueueBody) => {
        sent.push(...("events" in body ? body.events : [body]));
      },
    } as unknown as Queue<QueueBody>;
    const ctx = createExecutionContext();
    const response = await worker.fetch(
      requestOf(entry.path, entry.headers, entry.cookies),
      { ...env, EVENTS: events },
      ctx,
    );
    await response.text();
    await waitOnExecutionContext(ctx);
    const { expected } = entry;
    expect(response.status).toBe(expected.response.kind === "redirect" ? 302 : 200);
    if (expected.response.kind === "redirect") {
      expect(response.headers.get("location")).toBe(expected.response.location);
    }
    expect(response.headers.getSetCookie().map((cookie) => cookie.slice(0, cookie.indexOf("=")))).toEqual(
      expected.cookies,
    );
    expect(sent.map(describeEvent)).toEqual(expected.events);
  });
});
