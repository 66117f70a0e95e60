import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { ExperimentSchema } from "../../src/core/schema/experiment.ts";
import { createPreviewToken } from "../../src/core/signing/preview.ts";
import { kvRuleStore } from "../../src/rules/store.ts";
import { pushRules } from "../../src/rules/versions.ts";
import { heroExperiment } from "../fixtures/experiments.ts";
import { HOME_HTML } from "../fixtures/pages.ts";
import { publish, storedEvents, visit, visitorCookie, visitorIdOf } from "./helpers.ts";

const SECRET = "test-secret-0123456789abcdef";

async function eventsOf(visitor: string, expected: number) {
  const deadline = Date.now() + 8_000;
  for (;;) {
    const events = (await storedEvents()).filter((event) => event.visitor === visitor);
    if (events.length >= expected || Date.now() > deadline) return events;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe("preview links", () => {
  it("force the chosen arm of a draft, keep it in a session cookie, log nothing and leave the visitor cookie alone", async () => {
    await publish([heroExperiment({ id: "draft-hero", status: "draft" })]);
    const token = await createPreviewToken({ "draft-hero": "promise" }, 600, SECRET, Date.now());
    const first = await visit(`/?stylist_preview=${token}`);
    expect(await first.text()).toContain("<h1>Tested on the fells</h1>");
    expect(first.headers.get("cache-control")).toBe("private, no-store");
    const setCookie = first.headers.get("set-cookie") ?? "";
    expect(setCookie).toMatch(/^stylist_preview=/);
    expect(setCookie).not.toContain("stylist_vid");
    const next = await visit("/home", { cookie: setCookie.split(";")[0] });
    expect(await next.text()).toContain("<h1>Tested on the fells</h1>");
    await new Promise((resolve) => setTimeout(resolve, 2_500));
    expect(await storedEvents("draft-hero")).toEqual([]);
  });

  it("show a previewer without a visitor cookie one stable page: every other experiment keeps its arm across reloads", async () => {
    // Ten 50/50 experiments beside the previewed one: a fresh random visitor per reload would redraw them all.
    const others = Array.from({ length: 10 }, (_, i) =>
      heroExperiment({
        id: `other-${i}`,
        variants: [
          { id: "control", weight: 50 },
          {
            id: "b",
            weight: 50,
            ops: [{ op: "setAttribute", selector: "body", name: `data-other-${i}`, value: "b" }],
          },
        ],
      }),
    );
    await publish([heroExperiment({ id: "draft-hero", status: "draft" }), ...others]);
    const token = await createPreviewToken({ "draft-hero": "promise" }, 600, SECRET, Date.now());
    const pages = new Set<string>();
    for (let i = 0; i < 4; i++) pages.add(await (await visit(`/?stylist_preview=${token}`)).text());
    const first = await visit(`/?stylist_preview=${token}`);
    const cookie = (first.headers.get("set-cookie") ?? "").split(";")[0] as string;
    pages.add(await first.text());
    pages.add(await (await visit("/", { cookie })).text());
    expect(pages.size).toBe(1);
    expect([...pages][0]).toContain("<h1>Tested on the fells</h1>");
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect((await storedEvents()).filter((event) => String(event.experiment).startsWith("other-"))).toEqual(
      [],
    );
  });

  it("are ignored when expired or tampered with: the visitor gets the normal page", async () => {
    await publish([heroExperiment({ id: "draft-hero", status: "draft" })]);
    const expired = await createPreviewToken({ "draft-hero": "promise" }, 1, SECRET, Date.now() - 5_000);
    expect(await (await visit(`/?stylist_preview=${expired}`)).text()).toBe(HOME_HTML);
    const valid = await createPreviewToken({ "draft-hero": "promise" }, 600, SECRET, Date.now());
    const tampered = `${valid.slice(0, -3)}AAA`;
    expect(await (await visit(`/?stylist_preview=${tampered}`)).text()).toBe(HOME_HTML);
  });
});

describe("split-URL experiments", () => {
  const splitUrl = ExperimentSchema.parse({
    id: "landing-split",
    hypothesis: "A shorter landing page lifts progression to product pages from paid search",
    status: "running",
    pages: ["/landing"],
    variants: [
      { id: "control", weight: 50 },
      { id: "short", weight: 50, ops: [{ op: "redirect", url: "/landing-b" }] },
    ],
    metrics: { primary: "purchase" },
  });

  it("sends the variant with a 302 keeping the query string, serves the control the page, and logs both", async () => {
    await publish([splitUrl]);
    const arms = new Map<string, string>();
    for (let i = 0; i < 30 && arms.size < 2; i++) {
      const response = await visit("/landing?utm_source=google");
      if (response.status === 302) {
        expect(response.headers.get("location")).toBe("https://shop.example/landing-b?utm_source=google");
        expect(response.headers.get("cache-control")).toBe("private, no-store");
        arms.set("short", visitorIdOf(visitorCookie(response)));
      } else {
        expect(await response.text()).toBe(HOME_HTML);
        arms.set("control", visitorIdOf(visitorCookie(response)));
      }
    }
    for (const [arm, visitor] of arms) {
      const events = await eventsOf(visitor, 1);
      expect(events.map((event) => [event.experiment, event.variant, event.type])).toEqual([
        ["landing-split", arm, "exposure"],
      ]);
    }
  });
});

describe("the programme holdout", () => {
  it("serves held-back visitors the origin page and logs them, and everyone else, under global-holdout", async () => {
    await pushRules(
      kvRuleStore(env.RULES),
      {
        experiments: [heroExperiment()],
        settings: { holdout: { share: 0.3, seed: "global-holdout" }, goals: [], redirectHosts: [] },
      },
      { author: "test", message: "holdout" },
    );
    const seen = new Map<string, { visitor: string; body: string }>();
    for (let i = 0; i < 60 && seen.size < 2; i++) {
      const response = await visit("/");
      const body = await response.text();
      const visitor = visitorIdOf(visitorCookie(response));
      const events = await eventsOf(visitor, 2);
      const programme = events.find((event) => event.experiment === "global-holdout");
      if (programme?.variant === "holdout") {
        expect(body).toBe(HOME_HTML);
        expect(events).toHaveLength(1);
      } else {
        expect(programme?.variant).toBe("personalised");
        expect(events.map((event) => event.experiment).sort()).toEqual(["global-holdout", "hero-headline"]);
      }
      seen.set(String(programme?.variant), { visitor, body });
    }
    expect([...seen.keys()].sort()).toEqual(["holdout", "personalised"]);
  }, 60_000);
});
