import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import { defineCommand } from "citty";
import {
  type CatalogueIndex,
  EMPTY_CATALOGUE,
  indexCatalogue,
} from "../../core/catalogue/catalogue-index.ts";
import type { Recommended } from "../../core/catalogue/recommendations.ts";
import { explainCondition } from "../../core/decide/audience.ts";
import { type CompiledRules, compileRules } from "../../core/decide/compile.ts";
import { type Decision, type Evaluation, evaluate } from "../../core/decide/decide.ts";
import { pageViewEvents, reachedGoals } from "../../core/page-view/page-view-events.ts";
import {
  NOTHING_RENDERED,
  planResponse,
  type ResponsePlan,
  settledExposures,
} from "../../core/page-view/plan-response.ts";
import { preparePageView } from "../../core/page-view/prepare-page-view.ts";
import type { RenderData } from "../../core/page-view/render-data.ts";
import { CATALOGUE_KEY, CatalogueSchema } from "../../core/schema/catalogue.ts";
import type { StylistEvent } from "../../core/schema/event.ts";
import { HOLDOUT } from "../../core/schema/experiment.ts";
import { GLOBAL_HOLDOUT } from "../../core/schema/settings.ts";
import { PREVIEW_COOKIE } from "../../core/signing/preview.ts";
import { readCookie } from "../../core/visitor/cookies.ts";
import type { Gate } from "../../core/visitor/gate.ts";
import { VISITOR_COOKIE } from "../../core/visitor/identity.ts";
import { PROFILE_COOKIE } from "../../core/visitor/profile-cookie.ts";
import { readTable } from "../../recommend/read-table.ts";
import { renderPage } from "../../render/render.ts";
import { readActive } from "../../rules/versions.ts";
import { type BackendFlags, backendArgs, withBackend } from "../backend.ts";
import { CLIError, EXIT } from "../errors.ts";
import { lineDiff } from "../line-diff.ts";
import { loadValidRules, rulesDirArg } from "../load-rules.ts";
import { localOrigin } from "../local-ports.ts";
import { printJson, table } from "../output.ts";
import { readProjectConfig } from "../project.ts";
import { repeatedFlag } from "../repeated-flag.ts";
import { findVisitorSecret } from "../secret.ts";
import { buildProfile, parseViewed, profileFromFile } from "../simulate/profile-flags.ts";
import { visitorRequest } from "../simulate/visitor-request.ts";
import { decodeHtml } from "../verify/decode.ts";
import { hydrationWarnings } from "../verify/hydration-warnings.ts";
import { wasmRewriterFactory } from "../wasm-rewriter.ts";

/**
 * One candidate experiment: where the visitor falls and why they are out. A gated view (bot, objection, no consent)
 * gets only what the worker serves it, rolled-out winners, whatever the targeting says.
 */
function describeEvaluation(evaluation: Evaluation, served: readonly Decision[], gate: Gate | undefined) {
  const { compiled } = evaluation;
  const decision = gate ? served.find((candidate) => candidate.compiled === compiled) : evaluation.decision;
  return {
    experiment: compiled.experiment.id,
    bucket: Number(evaluation.bucket.toFixed(6)),
    eligible: decision !== undefined,
    excludedBy: decision ? null : gate ? `gate:${gate}` : (evaluation.excludedBy ?? null),
    variant: decision?.arm ?? null,
    control: decision?.control ?? null,
    /** A bandit's allocation period the arm was assigned in (logged on the exposure); null for a fixed split. */
    period: decision?.period ?? null,
  };
}

const GATE_NOTES: Record<Gate, string> = {
  bot: "treated as a bot (its User-Agent is on the isbot list; headless Chrome says HeadlessChrome): the worker serves it the origin page with rolled-out winners only, sets no cookie and logs nothing. The decisions above are what a visitor would get; QA browsers get in with a preview link (stylist preview … or stylist preview --qa).",
  objection:
    "this visitor objected (cookie or Sec-GPC: 1): the origin page with rolled-out winners only, no cookie, nothing logged",
  "no-consent":
    "consent is required and this request has none: the origin page with rolled-out winners only, no cookie, nothing logged",
};

const NULL_BODY = new Set([101, 204, 205, 304]);

/** The origin's page through the worker's own render code, as the plan says to rewrite it. */
async function renderForVisitor(
  originUrl: string,
  request: Request,
  render: RenderData,
  plan: Extract<ResponsePlan, { kind: "render" }>,
) {
  const target = new URL(new URL(request.url).pathname + new URL(request.url).search, originUrl);
  const response = await fetch(target, { headers: request.headers, redirect: "manual" }).catch(
    (error: Error) => {
      throw new CLIError(
        `could not fetch ${target} (${error.message}); is the origin running? Use --origin or --decisions-only`,
        EXIT.unreachable,
      );
    },
  );
  // The page's bytes go to the render code as they came, as on the edge: it finds their encoding (BOM, header,
  // <meta>) and the WebAssembly engine writes in it byte for byte as the worker's does (wasm-charset.ts). Both pages
  // are shown as a browser reads them.
  const bytes = new Uint8Array(await response.arrayBuffer());
  const contentType = response.headers.get("content-type");
  const { text: original } = decodeHtml(bytes, contentType);
  const headers = new Headers(response.headers);
  headers.delete("content-length");
  const body = NULL_BODY.has(response.status) ? null : bytes;
  const input = new Response(body, { status: response.status, headers });
  const faults: string[] = [];
  const rendered = renderPage(
    input,
    plan.decisions,
    plan.edits,
    render,
    wasmRewriterFactory,
    (error, decision) => faults.push(`${decision.compiled.experiment.id}: ${(error as Error).message}`),
  );
  const served = new Uint8Array(await rendered.response.arrayBuffer());
  const html = decodeHtml(served, contentType).text;
  const hydration = hydrationWarnings(original, plan.decisions);
  return { status: response.status, original, html, outcome: await rendered.outcome, faults, hydration };
}

/** An event as `simulate --json` shows it: what the worker would log, without its random id and clock. */
const describeEvent = (event: StylistEvent) => {
  const { id: _id, ts: _ts, visitor: _visitor, ...rest } = event;
  return rest;
};

export default defineCommand({
  meta: {
    name: "simulate",
    description:
      "Show what one visitor would get: decisions, the rewritten HTML (diff) and the exposures logged",
  },
  args: {
    url: {
      type: "string",
      required: true,
      description: "The page, e.g. https://shop.example/products/boot?utm_source=google",
    },
    cookie: { type: "string", description: "Cookie header part, e.g. stylist_vid=v1.… (repeatable)" },
    header: {
      type: "string",
      description: '"Name: value" request header, e.g. "User-Agent: …iPhone…" (repeatable)',
    },
    visitor: {
      type: "string",
      description: "Simulate this visitor id (32 hex characters) instead of a cookie",
    },
    returning: {
      type: "boolean",
      description: "A returning visitor (a second session), unless --sessions says more",
    },
    country: { type: "string", description: "Two-letter country, as Cloudflare would report it" },
    region: { type: "string", description: "Region, as Cloudflare would report it" },
    city: { type: "string", description: "City, as Cloudflare would report it" },
    rules: {
      type: "string",
      description: "files (the rule files, default) or active (the active version)",
      default: "files",
    },
    ...rulesDirArg,
    origin: {
      type: "string",
      description:
        "Origin to fetch the page from (default: ORIGIN_URL in wrangler.toml, on ORIGIN_PORT if set, as npm start does)",
    },
    full: { type: "boolean", description: "Print the whole rewritten page instead of a diff" },
    "decisions-only": { type: "boolean", description: "Do not fetch the page; show decisions only" },
    secret: {
      type: "string",
      description: "VISITOR_SECRET for verifying --cookie (default: env, then .dev.vars)",
    },
    json: { type: "boolean", description: "Print everything as JSON" },
    referrer: { type: "string", description: "The Referer the page was reached from (traffic source)" },
    profile: {
      type: "string",
      description: 'A profile file: { "sessions": 3, "viewed": { "trail-running": 2 }, … }',
    },
    viewed: { type: "string", description: "A category viewed today, as category=count (repeatable)" },
    sessions: { type: "string", description: "Which session this is (1 = first visit)" },
    "basket-add": { type: "boolean", description: "Added to basket this session, not bought" },
    purchases: { type: "string", description: "Purchases in the profile" },
    customer: { type: "string", description: "A customer, with this loyalty tier (or 1)" },
    catalogue: {
      type: "string",
      description: "Catalogue file for product lists (default: KV with --rules active)",
    },
    ...backendArgs,
  },
  async run({ args, rawArgs }) {
    const project = await readProjectConfig(args.config);
    const now = Date.now();
    const { rules, catalogue } = await loadRulesAndCatalogue(args);
    const flagged =
      args.profile || args.viewed || args.sessions || args.returning || args["basket-add"] || args.purchases;
    const visitor = await visitorRequest(
      {
        url: args.url,
        headers: repeatedFlag(rawArgs, "header"),
        cookies: repeatedFlag(rawArgs, "cookie"),
        referrer: args.referrer,
        visitor: args.visitor,
        returning: Boolean(args.returning),
        profile: flagged
          ? (session) =>
              buildProfile(
                {
                  ...session,
                  ...(args.profile ? profileFromFile(args.profile) : {}),
                  ...(args.viewed ? { viewed: parseViewed(repeatedFlag(rawArgs, "viewed")) } : {}),
                  ...(args.sessions
                    ? { sessions: Number(args.sessions) }
                    : args.returning
                      ? { sessions: 2 }
                      : {}),
                  ...(args["basket-add"] ? { basketAdds: 1 } : {}),
                  ...(args.purchases ? { purchases: Number(args.purchases) } : {}),
                },
                now,
              )
          : undefined,
        customer: args.customer,
      },
      rules,
      { visitorSecret: findVisitorSecret(args.secret, project.root), env: process.env },
      now,
    );
    const { request } = visitor;
    // The worker's own pipeline (src/core/page-view/prepare-page-view.ts): gate, profile, customer, decisions.
    const view = await preparePageView({
      request,
      geo: { country: args.country?.toUpperCase(), region: args.region, city: args.city },
      verifiedBot: false,
      secret: visitor.secret,
      secrets: visitor.secrets,
      now,
      loadRules: async () => rules,
      // Recommendations are filtered against the catalogue: without --catalogue, they use the one in KV, as the
      // worker does (read only when the page needs it).
      loadCatalogue: async () =>
        catalogue ??
        (!rules.usesRecommendations
          ? EMPTY_CATALOGUE
          : await withBackend(args, async (backend) => {
              const stored = await backend.rules.get(CATALOGUE_KEY);
              return stored ? indexCatalogue(CatalogueSchema.parse(JSON.parse(stored))) : EMPTY_CATALOGUE;
            })),
      // The table is in KV whichever rules are simulated: read as the worker reads it, only when needed.
      loadRecommendations: (products) => withBackend(args, (backend) => readTable(backend.rules, products)),
    });
    const { context } = view;
    const identity = view.gate ? undefined : view.identity;
    const note =
      visitor.note ??
      (view.gate
        ? `gated (${view.gate}): never identified, nothing logged`
        : !view.identity.minted
          ? "from a valid visitor cookie"
          : readCookie(request.headers.get("cookie"), VISITOR_COOKIE)
            ? "the cookie failed verification: a new visitor, as the worker would treat it"
            : "no visitor cookie: a new visitor with a fresh id");
    const audiences = rules.audiences.map(({ audience }) => ({
      audience: audience.id,
      reason: audience.reason,
      ...explainCondition(audience.condition, context, rules.scope),
    }));
    const experimentAudiences = rules.live.flatMap((compiled) =>
      compiled.experiment.audience
        ? [
            {
              experiment: compiled.experiment.id,
              ...explainCondition(compiled.experiment.audience, context, rules.scope),
            },
          ]
        : [],
    );
    const served = view.decisions;
    const heldBack = served.some(
      (decision) => decision.compiled.experiment.id === GLOBAL_HOLDOUT && decision.arm === HOLDOUT,
    );
    const plan = planResponse(served, new URL(request.url), rules);
    const originUrl = args.origin ?? localOrigin(project.originUrl);
    const page =
      plan.kind === "render" && !args["decisions-only"] && originUrl
        ? await renderForVisitor(originUrl, request, view.render, plan)
        : undefined;
    // What the worker logs: nothing for a gated view or a preview; the exposures once the outcome is known.
    const logged = !view.gate && !view.preview;
    const events =
      plan.kind === "render" && !page
        ? undefined
        : logged
          ? pageViewEvents(
              view,
              settledExposures(plan, page?.outcome ?? NOTHING_RENDERED),
              reachedGoals(view, randomUUID),
              randomUUID,
            ).map(describeEvent)
          : [];
    const exposures = (events ?? [])
      .filter((event) => event.type === "exposure")
      .map((event) => ({ experiment: event.experiment, variant: event.variant }));
    const decisions = evaluate(context, rules).map((evaluation) =>
      describeEvaluation(evaluation, served, view.gate),
    );
    const cookies = view.gate
      ? []
      : view.preview
        ? view.previewToken.fromLink
          ? [PREVIEW_COOKIE]
          : []
        : [...(view.identity.minted ? [VISITOR_COOKIE] : []), ...(view.profile ? [PROFILE_COOKIE] : [])];
    if (args.json) {
      return printJson({
        visitor: { id: context.visitorId, note, minted: identity?.minted ?? true },
        gate: view.gate ?? null,
        preview: view.gate ? false : view.preview !== undefined,
        context,
        rulesVersion: rules.version,
        programmeHoldout: heldBack,
        pageView: view.gate
          ? null
          : {
              type: view.view.type ?? null,
              category: view.view.category ?? null,
              product: view.view.product ?? null,
            },
        audiences,
        experimentAudiences,
        decisions,
        served: served.map((decision) => ({
          experiment: decision.compiled.experiment.id,
          variant: decision.arm,
          control: decision.control,
        })),
        response:
          plan.kind === "redirect"
            ? { kind: plan.kind, location: plan.location.toString() }
            : { kind: plan.kind },
        cookies,
        recommendations: recommendationsOf(view),
        ...(events ? { events } : {}),
        ...(page
          ? {
              page: {
                status: page.status,
                exposures,
                faults: page.faults,
                hydration: page.hydration,
                diff: lineDiff(page.original, page.html),
                ...(args.full ? { html: page.html } : {}),
              },
            }
          : {}),
      });
    }
    console.log(
      `visitor ${context.visitorId} (${note}); ${context.visitor}, ${context.device}${context.country ? `, ${context.country}` : ""}${context.utm.source ? `, utm_source=${context.utm.source}` : ""}`,
    );
    console.log(
      `rules: ${args.rules === "files" ? `${args.dir}/ (not pushed)` : `active version ${rules.version}`}; page ${context.path}\n`,
    );
    if (audiences.length > 0) {
      console.log(
        table(
          ["audience", "in?", "decided by"],
          audiences.map((entry) => [entry.audience, entry.matched ? "yes" : "no", entry.decidedBy]),
        ),
      );
      console.log("");
    }
    for (const entry of experimentAudiences) {
      console.log(`${entry.experiment}'s audience: ${entry.matched ? "in" : "not in"} — ${entry.decidedBy}`);
    }
    if (decisions.length === 0)
      console.log("no running experiment covers this page: the origin page is served untouched");
    else {
      console.log(
        table(
          ["experiment", "bucket", "result"],
          decisions.map((d) => [
            d.experiment,
            d.bucket.toFixed(4),
            d.variant
              ? `${d.variant}${d.control ? " (control)" : ""}${d.period !== null ? `, period ${d.period}` : ""}`
              : `not in: ${d.excludedBy}`,
          ]),
        ),
      );
    }
    printRecommendations(recommendationsOf(view));
    if (view.gate) console.log(`\n${GATE_NOTES[view.gate]}`);
    if (heldBack) console.log("\nin the programme holdout: this visitor gets no personalisation at all");
    if (plan.kind === "redirect") console.log(`\nredirected (302) to ${plan.location}`);
    if (events && plan.kind !== "render") {
      console.log(
        `events that would be logged: ${events.map((e) => ("experiment" in e ? `${e.type} ${e.experiment}/${e.variant}` : `${e.type} ${e.goal}`)).join(", ") || "none"}`,
      );
    }
    if (!page) return;
    console.log(
      `\norigin answered ${page.status}; exposures that would be logged: ${exposures.map((e) => `${e.experiment}/${e.variant}`).join(", ") || "none"}`,
    );
    for (const fault of page.faults) console.log(`fault: ${fault}`);
    for (const warning of page.hydration) console.log(`warning: ${warning}`);
    if (args.full) return console.log(page.html);
    const diff = lineDiff(page.original, page.html);
    console.log(
      diff.length === 0 ? "the page is served byte-identical to the origin's" : `\n${diff.join("\n")}`,
    );
  },
});

/** The recommendation table's version and this page view's lists with their scores, or why there were none. */
function recommendationsOf(view: Awaited<ReturnType<typeof preparePageView>>) {
  if (view.gate) return null;
  if (view.recommendationsUnavailable.length > 0)
    return { version: null, notServed: view.recommendationsUnavailable, related: [], forYou: [] };
  if (!view.recommendations) return null;
  const rows = (list: readonly Recommended[]) =>
    list.map((entry) => ({
      product: entry.product.slug,
      score: entry.score,
      source: entry.source,
      because: entry.because ?? null,
    }));
  // Only the lists this visitor's arms render.
  const shown = new Set(view.decisions.flatMap((decision) => decision.variant.ops.map((op) => op.op)));
  return {
    version: view.recommendations.version,
    notServed: [],
    related: shown.has("related") ? rows(view.recommendations.related()) : [],
    forYou: shown.has("forYou") ? rows(view.recommendations.forYou()) : [],
  };
}

function printRecommendations(recs: ReturnType<typeof recommendationsOf>) {
  if (!recs) return;
  if (recs.version === null) {
    console.log(
      `\nnot served in any arm: no recommendation table in KV (npx stylist recommend build): ${recs.notServed.join(", ")}`,
    );
    return;
  }
  console.log(`\nrecommendation table v${recs.version}`);
  for (const [name, list] of [
    ["related", recs.related],
    ["forYou", recs.forYou],
  ] as const) {
    if (list.length === 0) continue;
    console.log(
      table(
        [name, "score", "source", "because of"],
        list.map((row) => [row.product, row.score.toFixed(4), row.source, row.because ?? ""]),
      ),
    );
  }
}

/** The rules (the files, or the active version) and the catalogue a product list would read. */
async function loadRulesAndCatalogue(
  args: BackendFlags & { rules: string; dir: string; catalogue?: string | undefined },
): Promise<{ rules: CompiledRules; catalogue: CatalogueIndex | undefined }> {
  let catalogue: CatalogueIndex | undefined;
  if (args.catalogue)
    catalogue = indexCatalogue(CatalogueSchema.parse(JSON.parse(readFileSync(args.catalogue, "utf8"))));
  if (args.rules === "files")
    return { rules: compileRules({ version: 0, ...loadValidRules(args.dir), killed: [] }), catalogue };
  if (args.rules !== "active")
    throw new CLIError(`--rules takes files or active, not "${args.rules}"`, EXIT.invalid);
  const { snapshot, stored } = await withBackend(args, async (backend) => ({
    snapshot: await readActive(backend.rules),
    stored: await backend.rules.get(CATALOGUE_KEY),
  }));
  if (!snapshot)
    throw new CLIError("nothing has been pushed yet; simulate --rules files instead", EXIT.failed);
  if (!args.catalogue && stored) catalogue = indexCatalogue(CatalogueSchema.parse(JSON.parse(stored)));
  return { rules: compileRules(snapshot), catalogue };
}
