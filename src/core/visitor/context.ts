import type { DEVICE_CLASSES } from "../schema/audience.ts";
import type { BrowserFamily } from "./browser.ts";
import type { Behaviour, StickyArm } from "./profile.ts";
import type { TrafficSource } from "./traffic-source.ts";

export type DeviceClass = (typeof DEVICE_CLASSES)[number];

/** Everything the decision core may know about one page view. Built at the edge; plain data. */
export interface VisitorContext {
  visitorId: string;
  /** returning: a second session or later (or, with no profile, first seen over 30 minutes ago). */
  visitor: "new" | "returning";
  sessions: number;
  path: string;
  query: Record<string, string>;
  device: DeviceClass;
  browser: BrowserFamily;
  language?: string;
  country?: string;
  region?: string;
  city?: string;
  utm: { source?: string; medium?: string; campaign?: string };
  /** Where the session came from, remembered for the whole session. */
  source: TrafficSource;
  landingPage: string;
  customer: boolean;
  tier?: string;
  behaviour: Behaviour;
  /** Bandit arms this visitor was given before (experiment id → phase, period, arm), from the profile. */
  assigned?: Readonly<Record<string, StickyArm>>;
  /** Milliseconds since the Unix epoch. */
  now: number;
}

/** A context with neutral defaults, for simulations and tests that care about a few fields. */
export function syntheticContext(
  overrides: Partial<VisitorContext> & Pick<VisitorContext, "visitorId">,
): VisitorContext {
  return {
    visitor: "new",
    sessions: 1,
    path: "/",
    query: {},
    device: "desktop",
    browser: "other",
    utm: {},
    source: "direct",
    landingPage: "/",
    customer: false,
    behaviour: { today: 0, categories: {}, basketNotPurchased: false, revisitedProduct: false, purchases: 0 },
    now: 0,
    ...overrides,
  };
}
