import * as z from "zod";
import { checkPagePattern } from "../decide/page-pattern.ts";

export const DEVICE_CLASSES = ["mobile", "tablet", "desktop"] as const;
export const BROWSERS = ["chrome", "safari", "firefox", "edge", "samsung", "opera", "other"] as const;
export const TRAFFIC_SOURCES = ["paid", "search", "social", "email", "referral", "direct"] as const;
export const WEEKDAYS = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"] as const;

/** One stray click is not intent: behavioural thresholds below this are flagged by `stylist validate`. */
export const MIN_EVIDENCE = 2;

export const PagePattern = z
  .string()
  .max(200)
  .superRefine((pattern, ctx) => {
    const problem = checkPagePattern(pattern);
    if (problem) ctx.addIssue({ code: "custom", message: problem });
  });

const CountryCode = z.string().regex(/^[A-Z]{2}$/, "an ISO 3166-1 alpha-2 code in capitals, e.g. GB");
const Words = z.array(z.string().min(1).max(100)).min(1).max(50);
const Slug = z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/, "lower-case letters, digits and dashes");
const Count = z.number().int().min(0).max(10_000);
const one = <T extends z.ZodRawShape>(shape: T) => z.strictObject(shape);

/** Conditions read from the request alone: no storage needed. */
const requestConditions = [
  one({ visitor: z.enum(["new", "returning"]).describe("returning: a second session or later") }),
  one({ sessions: z.strictObject({ atLeast: Count.optional(), atMost: Count.optional() }) }),
  one({ device: z.array(z.enum(DEVICE_CLASSES)).min(1) }),
  one({ browser: z.array(z.enum(BROWSERS)).min(1) }),
  one({ country: z.array(CountryCode).min(1) }),
  one({ region: Words }),
  one({ city: Words }),
  one({
    language: z
      .array(z.string().regex(/^[a-z]{2,3}(-[a-z0-9]{2,8})?$/, "a language tag such as en or en-gb"))
      .min(1),
  }),
  one({ source: z.array(z.enum(TRAFFIC_SOURCES)).min(1).describe("The session's landing source.") }),
  one({ utmSource: Words }),
  one({ utmMedium: Words }),
  one({ utmCampaign: Words }),
  one({ landingPage: z.array(PagePattern).min(1).describe("The page the session started on.") }),
  one({ path: z.array(PagePattern).min(1) }),
  one({
    query: z
      .record(z.string().min(1).max(100), z.string().max(200))
      .describe('Parameters to match; "*": present at all.'),
  }),
  one({ customer: z.boolean().describe("From the storefront cookie or header named in settings.customer.") }),
  one({ tier: Words }),
  one({
    localHour: z
      .strictObject({ from: z.number().int().min(0).max(23), to: z.number().int().min(0).max(24) })
      .refine((hours) => hours.from !== hours.to, "from and to are the same hour, so it would never match")
      .describe("Store-local hour, from inclusive to exclusive; from > to wraps past midnight."),
  }),
  one({ weekday: z.array(z.enum(WEEKDAYS)).min(1) }),
];

/** Conditions read from the visitor's edge profile: what they did on earlier page views. */
const behaviourConditions = [
  one({
    viewedCategory: z.strictObject({
      category: Slug,
      atLeast: z
        .number()
        .int()
        .min(1)
        .max(10)
        .default(MIN_EVIDENCE)
        .describe("The profile keeps 10 views per category."),
      withinDays: z.number().int().min(1).max(90).default(30),
    }),
  }),
  one({
    basketNotPurchased: z.literal(true).describe("Added to basket in this session and not purchased since."),
  }),
  one({
    revisitedProduct: z.literal(true).describe("This product page was viewed on an earlier page view."),
  }),
  one({
    purchasedBefore: z.literal(true).describe("A purchase is in the profile (or the visitor is a customer)."),
  }),
];

type Device = (typeof DEVICE_CLASSES)[number];

/** Written out because a recursive schema cannot infer its own type. */
export type Condition =
  | { visitor: "new" | "returning" }
  | { sessions: { atLeast?: number | undefined; atMost?: number | undefined } }
  | { device: Device[] }
  | { browser: (typeof BROWSERS)[number][] }
  | { country: string[] }
  | { region: string[] }
  | { city: string[] }
  | { language: string[] }
  | { source: (typeof TRAFFIC_SOURCES)[number][] }
  | { utmSource: string[] }
  | { utmMedium: string[] }
  | { utmCampaign: string[] }
  | { landingPage: string[] }
  | { path: string[] }
  | { query: Record<string, string> }
  | { customer: boolean }
  | { tier: string[] }
  | { localHour: { from: number; to: number } }
  | { weekday: (typeof WEEKDAYS)[number][] }
  | { viewedCategory: { category: string; atLeast: number; withinDays: number } }
  | { basketNotPurchased: true }
  | { revisitedProduct: true }
  | { purchasedBefore: true }
  | { audience: string }
  | { all: Condition[] }
  | { any: Condition[] }
  | { not: Condition };

/** The keys of the leaf conditions (everything but all / any / not). */
export type LeafKey = Exclude<KeysOf<Condition>, "all" | "any" | "not">;
type KeysOf<T> = T extends unknown ? keyof T : never;

/**
 * Every leaf condition's key, in the order the error text lists them. `satisfies` and the check below make the
 * compiler hold this list, the Condition type and the evaluators in src/core/decide/audience.ts to the same set.
 */
export const CONDITION_NAMES = [
  "visitor",
  "sessions",
  "device",
  "browser",
  "country",
  "region",
  "city",
  "language",
  "source",
  "utmSource",
  "utmMedium",
  "utmCampaign",
  "landingPage",
  "path",
  "query",
  "customer",
  "tier",
  "localHour",
  "weekday",
  "viewedCategory",
  "basketNotPurchased",
  "revisitedProduct",
  "purchasedBefore",
  "audience",
] as const satisfies readonly LeafKey[];

/** Fails to compile when a leaf condition is missing from CONDITION_NAMES. */
const everyConditionNamed: Exclude<LeafKey, (typeof CONDITION_NAMES)[number]> extends never ? true : never =
  true;
void everyConditionNamed;

/** One test against the visitor. Conditions compose with all / any / not, and named audiences by id. */
export const ConditionSchema: z.ZodType<Condition> = z.union(
  [
    ...requestConditions,
    ...behaviourConditions,
    one({ audience: Slug.describe("A named audience from an `audiences` block.") }),
    one({
      get all(): z.ZodArray<z.ZodType<Condition>> {
        return z.array(ConditionSchema).min(1);
      },
    }),
    one({
      get any(): z.ZodArray<z.ZodType<Condition>> {
        return z.array(ConditionSchema).min(1);
      },
    }),
    one({
      get not(): z.ZodType<Condition> {
        return ConditionSchema;
      },
    }),
  ],
  {
    error: `not an audience condition: use one of ${CONDITION_NAMES.join(", ")}, or all/any/not around them`,
  },
);

/** A named, reusable audience with the reason a visitor can be shown for being in it. */
export const AudienceSchema = z.strictObject({
  id: Slug,
  name: z.string().max(200).optional(),
  reason: z
    .string()
    .min(10)
    .max(300)
    .describe(
      'Plain words the visitor is shown at /_stylist/why, e.g. "because you have been browsing trail shoes".',
    ),
  condition: ConditionSchema,
});

export type Audience = z.infer<typeof AudienceSchema>;
