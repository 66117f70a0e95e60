import { createExecutionContext, env, waitOnExecutionContext } from "cloudflare:test";
import { afterEach, beforeEach, describe, expect, it, type MockInstance, vi } from "vitest";
import { ExperimentSchema } from "../../src/core/schema/experiment.ts";
import { encodeIdentity } from "../../src/core/visitor/identity.ts";
import worker from "../../src/worker/index.ts";
import { clearRulesCache } from "../../src/worker/rules.ts";
import { HOME_HTML } from "../fixtures/pages.ts";
import { publish, storedEvents } from "./helpers.ts";

/**
 * Faults inside the streamed rewrite, through the real worker. src/ offers no hook to make a handler throw, so the
 * tests swap workerd's global HTMLRewriter for a thin wrapper around the real one whose elements fail on demand
 * (handle-page.ts looks the global up on every request), and one case uses a real lol-html error that a visitor can
 * trigger. Either way: the page keeps streaming, a broken experiment is logged once and never counted, and the
 * other experiments on the page are unaffected.
 */
function experiment(id: string, ops: unknown[]) {
  return ExperimentSchema.parse({
    id,
    hypothesis: "A clearer headline lifts progression to product pages for every visitor",
    status: "running",
    pages: ["/"],
    variants: [
      { id: "control", weight: 0 },
      { id: "variant", weight: 100, ops },
    ],
    metrics: { primary: "purchase" },
  });
}

const FRAGILE = experiment("fragile", [
  // On an element before the failing one: a heading's content edit waits for the end of its handlers.
  { op: "setText", selector: "title", value: "Changed title" },
  { op: "setAttribute", selector: "#hero h1", name: "data-fails", value: "1" },
  { op: "addClass", selector: "#hero h1", value: "never-applied" },
]);
const STURDY = experiment("sturdy", [{ op: "setText", selector: ".price", value: "£99.00" }]);

const RealRewriter = HTMLRewriter;

/** The real HTMLRewriter, with elements whose listed methods throw: a stand-in for any handler fault. */
function rewriterFailingOn(methods: readonly string[]) {
  return class FailingRewriter {
    #inner = new RealRewriter();
    on(selector: string, handlers: HTMLRewriterElementContentHandlers) {
      this.#inner.on(selector, {
        ...handlers,
        element(element: Element) {
          const failing = new Proxy(element, {
            get(target, key) {
              if (typeof key === "string" && methods.includes(key))
                return () => {
                  throw new Error(`injected fault in ${key}`);
                };
              const value = Reflect.get(target, key);
              return typeof value === "function" ? value.bind(target) : value;
            },
          });
          return handlers.element?.(failing);
        },
      });
      return this;
    }
    onDocument(handlers: HTMLRewriterDocumentContentHandlers) {
      this.#inner.onDocument(handlers);
      return this;
    }
    transform(response: Response) {
      return this.#inner.transform(response);
    }
  };
}

function useRewriter(rewriter: unknown) {
  (globalThis as unknown as { HTMLRewriter: unknown }).HTMLRewriter = rewriter;
}

async function visitorCookie() {
  const id = crypto.randomUUID().replaceAll("-", "");
  const value = await encodeIdentity(
    { id, firstSeen: Math.floor(Date.now() / 1000), minted: false },
    env.VISITOR_SECRET,
  );
  return { id, cookie: `stylist_vid=${value}` };
}

async function get(path: string, cookie: string) {
  const ctx = createExecutionContext();
  const response = await worker.fetch(
    new Request(`https://shop.example${path}`, { headers: { cookie } }),
    env,
    ctx,
  );
  const body = await response.text();
  await waitOnExecutionContext(ctx);
  return { response, body };
}

/** Waits until `present` has an event for the visitor, then returns which of the experiments were logged. */
async function loggedFor(visitor: string, present: string) {
  const deadline = Date.now() + 8_000;
  for (;;) {
    const events = (await storedEvents()).filter((event) => event.visitor === visitor);
    if (events.some((event) => event.experiment === present) || Date.now() > deadline)
      return events.map((event) => `${event.experiment}/${event.type}`).sort();
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

const faults = (spy: MockInstance<typeof console.error>) =>
  spy.mock.calls.flatMap(([line]) => {
    try {
      return [JSON.parse(String(line)) as { stylist: string; experiment?: string }];
    } catch {
      return [];
    }
  });

let errors: MockInstance<typeof console.error>;

beforeEach(async () => {
  clearRulesCache();
  await publish([FRAGILE, STURDY]);
  errors = vi.spyOn(console, "error").mockImplementation(() => {});
});

afterEach(() => {
  useRewriter(RealRewriter);
  errors.mockRestore();
});

describe("an op that throws on an element", () => {
  it("keeps the edits made before the throw, skips the experiment's later ops, and streams the whole page", async () => {
    useRewriter(rewriterFailingOn(["setAttribute"]));
    const visitor = await visitorCookie();
    const { response, body } = await get("/", visitor.cookie);
    expect(response.status).toBe(200);
    expect(body).toBe(
      HOME_HTML.replace("<title>Fellside</title>", "<title>Changed title</title>").replace(
        "£120.00",
        "£99.00",
      ),
    );
  });

  it("logs op_failed once, naming the experiment, and counts only the experiments that did not fail", async () => {
    useRewriter(rewriterFailingOn(["setAttribute"]));
    const visitor = await visitorCookie();
    await get("/", visitor.cookie);
    expect(faults(errors)).toEqual([
      expect.objectContaining({ stylist: "op_failed", experiment: "fragile" }),
    ]);
    useRewriter(RealRewriter);
    expect(await loggedFor(visitor.id, "sturdy")).toEqual(["sturdy/exposure"]);
  });

  it("serves every element as the origin sent it when every op throws, and logs each experiment once", async () => {
    // A content edit writes at its element first (an empty prepend) and removes the old content only then.
    useRewriter(rewriterFailingOn(["setInnerContent", "setAttribute", "prepend"]));
    const visitor = await visitorCookie();
    const { body } = await get("/", visitor.cookie);
    expect(body).toBe(HOME_HTML);
    expect(
      faults(errors)
        .map((fault) => `${fault.stylist}:${fault.experiment}`)
        .sort(),
    ).toEqual(["op_failed:fragile", "op_failed:sturdy"]);
  });

  it("fails open on a UTM value cut inside a surrogate pair, which lol-html may refuse as text", async () => {
    // The 100th UTF-16 unit of the value is the first half of an emoji. Whether the op applies or throws, the
    // visitor gets the whole page, the other experiment is counted, and nothing is logged twice.
    await publish([
      experiment("fragile", [{ op: "setText", selector: "#hero h1", value: "{{utm.source}}" }]),
      STURDY,
    ]);
    const visitor = await visitorCookie();
    const { response, body } = await get(`/?utm_source=${"a".repeat(99)}%F0%9F%98%80`, visitor.cookie);
    expect(response.status).toBe(200);
    expect(body.replace(/<h1>[^<]*<\/h1>/, "<h1></h1>")).toBe(
      HOME_HTML.replace("<h1>Gear for every fell</h1>", "<h1></h1>").replace("£120.00", "£99.00"),
    );
    expect(faults(errors).filter((fault) => fault.stylist === "op_failed").length).toBeLessThanOrEqual(1);
    const logged = await loggedFor(visitor.id, "sturdy");
    expect(logged).toContain("sturdy/exposure");
    expect(logged.filter((entry) => entry.startsWith("fragile/")).length).toBeLessThanOrEqual(1);
  });
});

describe("a rewriter that cannot be set up", () => {
  it("serves the origin page untouched and logs render_failed once when HTMLRewriter cannot be created", async () => {
    useRewriter(
      class {
        constructor() {
          throw new Error("injected: no rewriter");
        }
      },
    );
    const { response, body } = await get("/", (await visitorCookie()).cookie);
    expect(response.status).toBe(200);
    expect(body).toBe(HOME_HTML);
    expect(faults(errors).map((fault) => fault.stylist)).toEqual(["render_failed"]);
  });

  it("costs only the experiment whose selector the rewriter refuses, naming it; the page and the others render", async () => {
    useRewriter(
      class extends RealRewriter {
        override on(selector: string, handlers: HTMLRewriterElementContentHandlers): HTMLRewriter {
          if (selector.includes("#hero h1")) throw new TypeError("injected: unsupported selector");
          return super.on(selector, handlers);
        }
      },
    );
    const visitor = await visitorCookie();
    const { body } = await get("/", visitor.cookie);
    expect(body).toBe(HOME_HTML.replace("£120.00", "£99.00"));
    expect(faults(errors)).toEqual([
      expect.objectContaining({ stylist: "op_failed", experiment: "fragile" }),
    ]);
    useRewriter(RealRewriter);
    expect(await loggedFor(visitor.id, "sturdy")).toEqual(["sturdy/exposure"]);
  });
});
