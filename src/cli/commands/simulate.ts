import { readFileSync } from "node:fs";
import { defineCommand } from "citty";
import { explainCondition } from "../../core/audience.ts";
import { type CatalogueIndex, EMPTY_CATALOGUE, indexCatalogue } from "../../core/catalogue-index.ts";
import { type CompiledRules, compileRules } from "../../core/compile.ts";
import { readCookie } from "../../core/cookies.ts";
import { type Decision, decide, decideRolledOut, type Evaluation, evaluate } from "../../core/decide.ts";
import { planEdits } from "../../core/edit-plan.ts";
import { type Gate, gateOf } from "../../core/gate.ts";
import { decodeIdentity, mintIdentity, VISITOR_COOKIE, type VisitorIdentity } from "../../core/identity.ts";
import { visitPage } from "../../core/page-visit.ts";
import type { Profile } from "../../core/profile.ts";
import { decodeProfile, readProfileCookie } from "../../core/profile-cookie.ts";
import type { RenderData } from "../../core/render-data.ts";
import { buildVisitorContext } from "../../core/request-context.ts";
import { CATALOGUE_KEY, CatalogueSchema } from "../../core/schema/catalogue.ts";
import { renderPage } from "../../render/render.ts";
import { readActive } from "../../rules/versions.ts";
import { backendArgs, withBackend } from "../backend.ts";
import { CLIError, EXIT } from "../errors.ts";
import { lineDiff } from "../line-diff.ts";
import { loadValidRules, rulesDirArg } from "../load-rules.ts";
import { localOrigin } from "../local-ports.ts";
import { printJson, table } from "../output.ts";
import { readProjectConfig } from "../project.ts";
import { findVisitorSecret } from "../secret.ts";
import { buildProfile, parseViewed, profileFromFile } from "../simulate/profile-flags.ts";
import { hydrationWarnings } from "../verify/hydration-warnings.ts";
import { wasmRewriterFactory } from "../wasm-rewriter.ts";

const asList = (value: unknown): string[] =>
  value === undefined ? [] : Array.isArray(value) ? value.map(String) : [String(value)];

function buildRequest(url: string, headers: string[], cookies: string[]): Request {
  const request = new Headers();
  for (const header of headers) {
    const colon = header.indexOf(":");
    if (colon < 1) throw new CLIError(`--header "${header}" is not "Name: value"`, EXIT.invalid);
    request.append(header.slice(0, colon).trim(), header.slice(colon + 1).trim());
  }
  if (cookies.length > 0) request.set("cookie", cookies.join("; "));
  try {
    return new Request(url, { headers: request });
  } catch {
    throw new CLIError(`--url "${url}" is not an absolute URL`, EXIT.invalid);
  }
}

async function resolveVisitor(
  args: Record<string, unknown>,
  request: Request,
  secret: string | undefined,
  now: number,
) {
  const visitor = args.visitor as string | undefined;
  if (visitor !== undefined) {
    if (!/^[0-9a-f]{32}$/.test(visitor))
      throw new CLIError("--visitor takes a 32-character hex visitor id", EXIT.invalid);
    const firstSeen = Math.floor(now / 1000) - (args.returning ? 86_400 : 0);
    return {
      identity: { id: visitor, firstSeen, minted: !args.returning } as VisitorIdentity,
      note: "given by --visitor",
    };
  }
  const cookie = readCookie(request.headers.get("cookie"), VISITOR_COOKIE);
  if (!cookie)
    return { identity: mintIdentity(now), note: "no visitor cookie: a new visitor with a fresh id" };
  if (!secret) {
    throw new CLIError(
      "a visitor cookie was given but no VISITOR_SECRET to verify it (--secret, env, or .dev.vars)",
      EXIT.invalid,
    );
  }
  const decoded = await decodeIdentity(cookie, secret);
  if (decoded) return { identity: decoded, note: "from a valid visitor cookie" };
  return {
    identity: mintIdentity(now),
    note: "the cookie failed verification: a new visitor, as the worker would treat it",
  };
}

function describeEvaluation(evaluation: Evaluation) {
  const { compiled, decision } = evaluation;
  return {
    experiment: compiled.experiment.id,
    bucket: Number(evaluation.bucket.toFixed(6)),
    eligible: evaluation.excludedBy === undefined,
    excludedBy: evaluation.excludedBy ?? null,
    variant: decision?.arm ?? null,
    control: decision?.control ?? null,
  };
}

const GATE_NOTES: Record<Gate, string> = {
  bot: "treated as a bot (its User-Agent is on the isbot list; headless Chrome says HeadlessChrome): the worker serves it the origin page with rolled-out winners only, sets no cookie and logs nothing. The decisions above are what a visitor would get; QA browsers get in with a preview link (stylist preview … or stylist preview --qa).",
  objection:
    "this visitor objected (cookie or Sec-GPC: 1): the origin page with rolled-out winners only, no cookie, nothing logged",
  "no-consent":
    "consent is required and this request has none: the origin page with rolled-out winners only, no cookie, nothing logged",
};

async function renderForVisitor(
  originUrl: string,
  request: Request,
  render: RenderData,
  decisions: Decision[],
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
  const original = await response.clone().text();
  const faults: string[] = [];
  const rendered = renderPage(
    response,
    decisions,
    planEdits(decisions),
    render,
    wasmRewriterFactory,
    (error, decision) => faults.push(`${decision.compiled.experiment.id}: ${(error as Error).message}`),
  );
  const html = await rendered.response.text();
  const outcome = await rendered.outcome;
  const exposures = decisions
    .filter((_, index) => outcome.matched[index] && !outcome.faulted[index])
    .map((decision) => ({ experiment: decision.compiled.experiment.id, variant: decision.arm }));
  const hydration = hydrationWarnings(original, decisions);
  return { status: response.status, original, html, exposures, faults, hydration };
}

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
  async run({ args }) {
    const project = await readProjectConfig(args.config);
    const now = Date.now();
    const request = buildRequest(args.url, asList(args.header), asList(args.cookie));
    const { identity, note } = await resolveVisitor(
      args,
      request,
      findVisitorSecret(args.secret, project.root),
      now,
    );
    const geo = { country: args.country?.toUpperCase(), region: args.region, city: args.city };
    if (args.referrer) request.headers.set("referer", args.referrer);
    const base = buildVisitorContext(request, identity, geo, now);
    let rules: CompiledRules;
    let catalogue: CatalogueIndex = EMPTY_CATALOGUE;
    if (args.catalogue)
      catalogue = indexCatalogue(CatalogueSchema.parse(JSON.parse(readFileSync(args.catalogue, "utf8"))));
    if (args.rules === "files") rules = compileRules({ version: 0, ...loadValidRules(args.dir), killed: [] });
    else if (args.rules === "active") {
      const { snapshot, stored } = await withBackend(args, async (backend) => ({
        snapshot: await readActive(backend.rules),
        stored: await backend.rules.get(CATALOGUE_KEY),
      }));
      if (!snapshot)
        throw new CLIError("nothing has been pushed yet; simulate --rules files instead", EXIT.failed);
      rules = compileRules(snapshot);
      if (!args.catalogue && stored) catalogue = indexCatalogue(CatalogueSchema.parse(JSON.parse(stored)));
    } else throw new CLIError(`--rules takes files or active, not "${args.rules}"`, EXIT.invalid);
    const secret = findVisitorSecret(args.secret, project.root);
    const fromCookie =
      secret && !identity.minted
        ? await decodeProfile(readProfileCookie(request.headers.get("cookie")), identity.id, secret)
        : undefined;
    const flagged =
      args.profile || args.viewed || args.sessions || args.returning || args["basket-add"] || args.purchases;
    const profile: Profile | undefined = flagged
      ? buildProfile(
          {
            // This request is the session's page unless the profile file says where the session began.
            source: base.source,
            landing: base.path,
            ...(args.profile ? profileFromFile(args.profile) : {}),
            ...(args.viewed ? { viewed: parseViewed(asList(args.viewed)) } : {}),
            ...(args.sessions ? { sessions: Number(args.sessions) } : args.returning ? { sessions: 2 } : {}),
            ...(args["basket-add"] ? { basketAdds: 1 } : {}),
            ...(args.purchases ? { purchases: Number(args.purchases) } : {}),
          },
          now,
        )
      : fromCookie;
    const customer = args.customer
      ? { customer: true, tier: args.customer === "1" ? undefined : args.customer }
      : { customer: false, tier: undefined };
    // The worker's own step (src/core/page-visit.ts): this page view is folded in before deciding.
    const { view, context, render } = visitPage({ base, previous: profile, rules, catalogue, customer, now });
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
    const evaluations = evaluate(context, rules);
    // The worker's gate: bots (by user agent; headless Chrome is one), objections and missing consent get only
    // rolled-out winners, no cookie, and nothing logged.
    const gate = gateOf(request.headers, rules.consent, false);
    const served = gate ? decideRolledOut(context, rules) : decide(context, rules);
    const heldBack = served.some(
      (decision) => decision.compiled.experiment.id === "global-holdout" && decision.arm === "holdout",
    );
    const originUrl = args.origin ?? localOrigin(project.originUrl);
    const page =
      args["decisions-only"] || !originUrl
        ? undefined
        : await renderForVisitor(originUrl, request, render, served).then((rendered) =>
            gate ? { ...rendered, exposures: [] } : rendered,
          );
    const decisions = evaluations.map(describeEvaluation);
    if (args.json) {
      return printJson({
        visitor: { id: identity.id, note, minted: identity.minted },
        context,
        rulesVersion: rules.version,
        programmeHoldout: heldBack,
        /** Why the worker would serve this request no personalisation at all: bot, objection or no-consent. */
        gate: gate ?? null,
        pageView: { type: view.type ?? null, category: view.category ?? null, product: view.product ?? null },
        audiences,
        experimentAudiences,
        decisions,
        ...(page
          ? {
              page: {
                status: page.status,
                exposures: page.exposures,
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
      `visitor ${identity.id} (${note}); ${context.visitor}, ${context.device}${context.country ? `, ${context.country}` : ""}${context.utm.source ? `, utm_source=${context.utm.source}` : ""}`,
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
            d.variant ? `${d.variant}${d.control ? " (control)" : ""}` : `not in: ${d.excludedBy}`,
          ]),
        ),
      );
    }
    if (gate) console.log(`\n${GATE_NOTES[gate]}`);
    if (heldBack) console.log("\nin the programme holdout: this visitor gets no personalisation at all");
    if (!page) return;
    console.log(
      `\norigin answered ${page.status}; exposures that would be logged: ${page.exposures.map((e) => `${e.experiment}/${e.variant}`).join(", ") || "none"}`,
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
