import { PRODUCT_PATH, UNTARGETED_PATH } from "./config.ts";
import type { RuleSetName } from "./rules-fixture.ts";
import type { WorkerName } from "./workerd.ts";

export type Group = "baseline" | "stylist" | "growthbook" | "diagnostic";
export type CookieKind = "stylist-variant" | "stylist-control" | "growthbook-variant" | "growthbook-control";

export interface Contestant {
  id: string;
  label: string;
  group: Group;
  /** "origin" is the storefront itself, with no worker in front. */
  target: WorkerName | "origin";
  path: string;
  cookie: CookieKind;
  ruleSet?: RuleSetName;
  /** Rules in KV / experiments eligible on this page / ops those experiments apply in the variant arm. */
  rules?: number;
  eligible?: number;
  ops?: number;
  /** Measured on the slow origin for time to first byte. */
  ttfb: boolean;
  /** The pass-through run on the same page, for ratios. */
  passthroughId: string;
}

const stylist = (
  id: string,
  label: string,
  ruleSet: RuleSetName,
  figures: { rules: number; eligible: number; ops: number },
  extra: Partial<Contestant> = {},
): Contestant => ({
  id,
  label,
  group: "stylist",
  target: `stylist-${ruleSet}`,
  path: PRODUCT_PATH,
  cookie: "stylist-variant",
  ruleSet,
  ...figures,
  ttfb: false,
  passthroughId: "passthrough",
  ...extra,
});

/** Every row of the results, in the order they run and are reported. */
export const CONTESTANTS: Contestant[] = [
  {
    id: "origin",
    label: "Origin directly (no worker)",
    group: "baseline",
    target: "origin",
    path: PRODUCT_PATH,
    cookie: "stylist-variant",
    ttfb: true,
    passthroughId: "passthrough",
  },
  {
    id: "passthrough",
    label: "Pass-through worker (the limit)",
    group: "baseline",
    target: "passthrough",
    path: PRODUCT_PATH,
    cookie: "stylist-variant",
    ttfb: true,
    passthroughId: "passthrough",
  },
  {
    id: "floor",
    label: "Bare HTMLRewriter, 1 op (the floor)",
    group: "baseline",
    target: "floor",
    path: PRODUCT_PATH,
    cookie: "stylist-variant",
    ttfb: true,
    passthroughId: "passthrough",
  },
  stylist("stylist-0", "Stylist, 0 rules", "rules-0", { rules: 0, eligible: 0, ops: 0 }),
  stylist("stylist-1", "Stylist, 1 rule (1 exp, 3 ops), variant", "rules-1", {
    rules: 1,
    eligible: 1,
    ops: 3,
  }),
  stylist(
    "stylist-10",
    "Stylist, 10 rules (10 exp, 30 ops), variant",
    "rules-10",
    { rules: 10, eligible: 10, ops: 30 },
    { ttfb: true },
  ),
  stylist(
    "stylist-10-control",
    "Stylist, 10 rules, control arm",
    "rules-10",
    { rules: 10, eligible: 10, ops: 0 },
    { cookie: "stylist-control" },
  ),
  stylist("stylist-100", "Stylist, 100 rules (10 eligible), variant", "rules-100", {
    rules: 100,
    eligible: 10,
    ops: 30,
  }),
  stylist("stylist-1000", "Stylist, 1,000 rules (10 eligible), variant", "rules-1000", {
    rules: 1000,
    eligible: 10,
    ops: 30,
  }),
  stylist(
    "stylist-no-eligible",
    "Stylist, 1,000 rules, page with none eligible",
    "rules-1000",
    { rules: 1000, eligible: 0, ops: 0 },
    { path: UNTARGETED_PATH, passthroughId: "passthrough-untargeted" },
  ),
  {
    id: "passthrough-untargeted",
    label: "Pass-through, the page with none eligible",
    group: "baseline",
    target: "passthrough",
    path: UNTARGETED_PATH,
    cookie: "stylist-variant",
    ttfb: false,
    passthroughId: "passthrough-untargeted",
  },
  {
    id: "growthbook",
    label: "GrowthBook edge worker, 10 exp, variant",
    group: "growthbook",
    target: "growthbook",
    path: PRODUCT_PATH,
    cookie: "growthbook-variant",
    rules: 10,
    eligible: 10,
    ops: 30,
    ttfb: true,
    passthroughId: "passthrough",
  },
  {
    id: "growthbook-control",
    label: "GrowthBook edge worker, 10 exp, control",
    group: "growthbook",
    target: "growthbook",
    path: PRODUCT_PATH,
    cookie: "growthbook-control",
    rules: 10,
    eligible: 10,
    ops: 0,
    ttfb: false,
    passthroughId: "passthrough",
  },
  {
    id: "bare-30-ops",
    label: "Diagnostic: bare HTMLRewriter, the same 30 ops",
    group: "diagnostic",
    target: "bare-ops",
    path: PRODUCT_PATH,
    cookie: "stylist-variant",
    ops: 30,
    ttfb: false,
    passthroughId: "passthrough",
  },
  {
    id: "bare-30-no-match",
    label: "Diagnostic: bare HTMLRewriter, 30 selectors matching nothing",
    group: "diagnostic",
    target: "bare-no-match",
    path: PRODUCT_PATH,
    cookie: "stylist-variant",
    ops: 0,
    ttfb: false,
    passthroughId: "passthrough",
  },
  stylist(
    "stylist-1-no-queue",
    "Diagnostic: Stylist, 1 rule, variant, exposure sends dropped",
    "rules-1",
    { rules: 1, eligible: 1, ops: 3 },
    { group: "diagnostic", target: "stylist-rules-1-no-queue" },
  ),
  stylist(
    "stylist-10-no-queue",
    "Diagnostic: Stylist, 10 exp, variant, exposure sends dropped",
    "rules-10",
    { rules: 10, eligible: 10, ops: 30 },
    { group: "diagnostic", target: "stylist-rules-10-no-queue" },
  ),
  stylist(
    "stylist-10-targeted-price-no-queue",
    "Diagnostic: the same, `.price` op as `#buy-box .price` (1 element, not 9)",
    "rules-10-targeted-price",
    { rules: 10, eligible: 10, ops: 30 },
    { group: "diagnostic", target: "stylist-rules-10-targeted-price-no-queue" },
  ),
  stylist(
    "stylist-page-cache",
    "Stylist, 10 rules, variant, cacheable origin with settings.pageCache on (repeat views of the arm)",
    "rules-10-page-cache",
    { rules: 10, eligible: 10, ops: 30 },
  ),
  stylist(
    "stylist-page-cache-no-queue",
    "Diagnostic: the page-cache row with exposure sends dropped",
    "rules-10-page-cache",
    { rules: 10, eligible: 10, ops: 30 },
    { group: "diagnostic", target: "stylist-rules-10-page-cache-no-queue" },
  ),
  stylist(
    "stylist-large-edit-no-queue",
    "Diagnostic: Stylist, 1 rule, setHtml of the reviews section (85 KB, 1,176 elements inside), exposure sends dropped",
    "rules-1-large-edit",
    { rules: 1, eligible: 1, ops: 1 },
    { group: "diagnostic", target: "stylist-rules-1-large-edit-no-queue" },
  ),
  stylist(
    "stylist-1000-one-eligible",
    "Diagnostic: Stylist, 1,000 rules (1 eligible, 3 ops), variant",
    "rules-1000-one-eligible",
    { rules: 1000, eligible: 1, ops: 3 },
    { group: "diagnostic" },
  ),
];

/** Rows the product will have but the code does not yet; reported as such rather than approximated. */
export const NOT_IMPLEMENTED: Array<{ id: string; label: string; reason: string }> = [];
