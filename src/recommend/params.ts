/** How `stylist recommend build` learns, and what it must see before it publishes (docs/recommendations.md). */
export interface RecommendParams {
  /** Days of events learnt from, ending at the newest event. */
  windowDays: number;
  /** An event this many days old counts half as much as one from now. */
  halfLifeDays: number;
  /** Items kept per product (ops show up to 12; a few spare survive the render-time filters). */
  k: number;
  /** Sessions (co-view) plus buyers (co-purchase) a pair needs before it is learnt at all. */
  minSupport: number;
  /** Shrinkage: a pair's similarity is scaled by support / (support + shrinkage), so rare pairs count for less. */
  shrinkage: number;
  /** A co-purchase weighs this many co-views. */
  purchaseWeight: number;
  /** At most this many items of one brand per list. */
  brandCap: number;
  /** A gap this long between a visitor's events starts a new session. */
  sessionGapMinutes: number;
  /** A visitor with more product views than this in one day is taken for a bot and left out. */
  botViewsPerDay: number;
  gates: GateThresholds;
}

export interface GateThresholds {
  minSessions: number;
  minOrders: number;
  /** The newest event may be at most this old when the table is built. */
  maxAgeHours: number;
  maxBotShare: number;
  /** Share of the in-stock catalogue with at least one learnt (not fallback) item. */
  minCoverage: number;
  /** Share of all list slots taken by the 10 most recommended products. */
  maxConcentration: number;
}

export const DEFAULT_PARAMS: RecommendParams = {
  windowDays: 56,
  halfLifeDays: 14,
  k: 12,
  minSupport: 3,
  shrinkage: 10,
  purchaseWeight: 3,
  brandCap: 3,
  sessionGapMinutes: 30,
  botViewsPerDay: 300,
  gates: {
    minSessions: 500,
    minOrders: 50,
    maxAgeHours: 48,
    maxBotShare: 0.05,
    minCoverage: 0.5,
    maxConcentration: 0.5,
  },
};

export const DAY_MS = 86_400_000;
