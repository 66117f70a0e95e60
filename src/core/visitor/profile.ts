import type { PageType } from "../schema/taxonomy.ts";
import type { TrafficSource } from "./traffic-source.ts";

/** A bandit arm as first assigned: the visitor keeps it, and its period, for the rest of the phase. */
export interface StickyArm {
  phase: number;
  period: number;
  arm: string;
}

/**
 * The edge profile: what behavioural rules need from a visitor's earlier page views, kept in a signed first-party
 * cookie (profile-cookie.ts) rather than a server-side store, so reading it costs nothing and the visitor carries it.
 * Everything decays: views older than RETENTION_DAYS are dropped, and each list is capped, so one stray visit months
 * ago is not intent today.
 */
export interface Profile {
  sessions: number;
  /** Unix seconds of the latest page view. */
  lastSeen: number;
  session: {
    start: number;
    source: TrafficSource;
    landing: string;
    basketAdds: number;
    purchased: boolean;
  };
  /** Category → the days (since the epoch) it was viewed on, oldest first, one entry per view. */
  categories: Record<string, number[]>;
  /** Recently viewed product slugs, newest first. */
  recent: string[];
  /** Product slugs viewed before, newest first, capped at MAX_SEEN (not aged out), for "came back to a product". */
  seen: string[];
  purchases: number;
  lastPurchase: number | undefined;
  /** Bandit arms as first assigned, oldest first, capped at MAX_ARMS: a reweight never moves this visitor. */
  arms?: Record<string, StickyArm>;
  /** Product slugs added to the basket this session (reported with `products` from the page), newest first. */
  basket?: string[];
  /** Product slugs bought (reported with `products` from the page), newest first. */
  bought?: string[];
}

const SESSION_TIMEOUT_SECONDS = 30 * 60;
export const RETENTION_DAYS = 90;
const MAX_VIEWS_PER_CATEGORY = 10;
const MAX_CATEGORIES = 12;
const MAX_RECENT = 8;
const MAX_SEEN = 30;
/** Bandit experiments remembered per visitor; more than this running at once is not a programme anyone reads. */
const MAX_ARMS = 10;
/** Basket and bought products kept for recommendations: a basket, and the last few orders' products. */
export const MAX_BASKET = 10;
export const MAX_BOUGHT = 10;

export interface PageView {
  type: PageType | undefined;
  category: string | undefined;
  product: string | undefined;
}

/** What the audience conditions read: derived from the profile, plain data. */
export interface Behaviour {
  /** Days since the epoch, for "within D days". */
  today: number;
  categories: Record<string, number[]>;
  basketNotPurchased: boolean;
  revisitedProduct: boolean;
  purchases: number;
}

export const EMPTY_BEHAVIOUR: Behaviour = {
  today: 0,
  categories: {},
  basketNotPurchased: false,
  revisitedProduct: false,
  purchases: 0,
};

const dayOf = (seconds: number) => Math.floor(seconds / 86_400);

function pushCapped<T>(list: T[], item: T, max: number, newestFirst: boolean): T[] {
  const next = newestFirst ? [item, ...list.filter((entry) => entry !== item)] : [...list, item];
  return newestFirst ? next.slice(0, max) : next.slice(-max);
}

function prune(categories: Record<string, number[]>, today: number): Record<string, number[]> {
  const kept = Object.entries(categories)
    .map(([category, days]) => [category, days.filter((day) => today - day < RETENTION_DAYS)] as const)
    .filter(([, days]) => days.length > 0)
    .sort((a, b) => (b[1].at(-1) ?? 0) - (a[1].at(-1) ?? 0))
    .slice(0, MAX_CATEGORIES);
  return Object.fromEntries(kept);
}

export interface Arrival {
  source: TrafficSource;
  path: string;
}

export interface Observed {
  profile: Profile;
  behaviour: Behaviour;
  newSession: boolean;
}

/**
 * Folds one page view into the profile. A new session starts after SESSION_TIMEOUT_SECONDS without a page view and
 * remembers where it came from; "came back to a product" is judged before this view is added.
 */
export function observePageView(
  previous: Profile | undefined,
  view: PageView,
  arrival: Arrival,
  nowMs: number,
): Observed {
  const now = Math.floor(nowMs / 1000);
  const today = dayOf(now);
  const newSession = !previous || now - previous.lastSeen > SESSION_TIMEOUT_SECONDS;
  const base: Profile = previous ?? {
    sessions: 0,
    lastSeen: now,
    session: { start: now, source: arrival.source, landing: arrival.path, basketAdds: 0, purchased: false },
    categories: {},
    recent: [],
    seen: [],
    purchases: 0,
    lastPurchase: undefined,
  };
  const revisitedProduct = view.product !== undefined && base.seen.includes(view.product);
  let categories = base.categories;
  if (view.category) {
    categories = {
      ...categories,
      [view.category]: pushCapped(categories[view.category] ?? [], today, MAX_VIEWS_PER_CATEGORY, false),
    };
  }
  let { recent, seen, purchases, lastPurchase } = base;
  if (view.product) {
    recent = pushCapped(recent, view.product, MAX_RECENT, true);
    seen = pushCapped(seen, view.product, MAX_SEEN, true);
  }
  const session = newSession
    ? {
        start: now,
        source: arrival.source,
        landing: arrival.path.slice(0, 200),
        basketAdds: 0,
        purchased: false,
      }
    : { ...base.session };
  if (view.type === "purchase" && !session.purchased) {
    session.purchased = true;
    purchases += 1;
    lastPurchase = now;
  }
  const profile: Profile = {
    sessions: base.sessions + (newSession ? 1 : 0),
    lastSeen: now,
    session,
    categories: prune(categories, today),
    recent,
    seen,
    purchases,
    lastPurchase,
    ...(base.arms ? { arms: base.arms } : {}),
    // A basket belongs to its session, as basketAdds does; what was bought stays.
    ...(!newSession && base.basket?.length ? { basket: base.basket } : {}),
    ...(base.bought?.length ? { bought: base.bought } : {}),
  };
  return { profile, behaviour: behaviourOf(profile, today, revisitedProduct), newSession };
}

function behaviourOf(profile: Profile, today: number, revisitedProduct: boolean): Behaviour {
  return {
    today,
    categories: profile.categories,
    basketNotPurchased: profile.session.basketAdds > 0 && !profile.session.purchased,
    revisitedProduct,
    purchases: profile.purchases,
  };
}

/**
 * A storefront event (basket add, purchase) reported from the visitor's browser, with the products it names: basket
 * adds are kept for the session, and an order moves them (and its own products) to what was bought.
 */
export function observeEvent(
  profile: Profile,
  goal: string,
  nowMs: number,
  products: readonly string[] = [],
): Profile {
  const now = Math.floor(nowMs / 1000);
  const session = { ...profile.session };
  let { purchases, lastPurchase } = profile;
  let basket = profile.basket ?? [];
  let bought = profile.bought ?? [];
  if (goal === "add_to_basket") {
    session.basketAdds = Math.min(session.basketAdds + 1, 999);
    for (const slug of products) basket = pushCapped(basket, slug, MAX_BASKET, true);
  }
  if (goal === "purchase") {
    for (const slug of [...basket].reverse().concat(products))
      bought = pushCapped(bought, slug, MAX_BOUGHT, true);
    basket = [];
    if (!session.purchased) {
      session.purchased = true;
      purchases += 1;
      lastPurchase = now;
    }
  }
  const { basket: _basket, bought: _bought, ...rest } = profile;
  return {
    ...rest,
    lastSeen: Math.max(profile.lastSeen, now),
    session,
    purchases,
    lastPurchase,
    ...(basket.length ? { basket } : {}),
    ...(bought.length ? { bought } : {}),
  };
}

/** Views of a category within the last `days` days, today included. */
export function categoryViews(behaviour: Behaviour, category: string, days: number): number {
  return (behaviour.categories[category] ?? []).filter((day) => behaviour.today - day < days).length;
}

/**
 * The profile with newly assigned bandit arms remembered (the newest kept when over MAX_ARMS), or undefined when
 * there is nothing new to remember.
 */
export function rememberArms(
  profile: Profile,
  fresh: ReadonlyArray<{ experiment: string } & StickyArm>,
): Profile | undefined {
  if (fresh.length === 0) return undefined;
  const arms: Record<string, StickyArm> = { ...profile.arms };
  for (const { experiment, phase, period, arm } of fresh) {
    delete arms[experiment];
    arms[experiment] = { phase, period, arm };
  }
  return { ...profile, arms: Object.fromEntries(Object.entries(arms).slice(-MAX_ARMS)) };
}
