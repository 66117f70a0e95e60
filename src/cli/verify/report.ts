import type { OpStatus } from "./compare.ts";

/** `stylist verify --json`: the shape a CI step reads. */
export interface OpReport {
  /** `rules/home.json: experiments[0].variants[1].ops[2]` */
  where: string;
  op: string;
  selector: string | null;
  status: OpStatus;
  /** Elements a browser's `querySelectorAll` finds for the selector in the origin page. */
  targets: number;
  /** The op edits a subtree the page's scripts hydrate: they may put the origin's markup back. */
  hydratedBy: { framework: string; marker: string; path: string } | null;
  problems: string[];
}

export interface BrowserArmReport {
  /** Changes looked for: those present in the served bytes (a change missing there is a parse-check failure). */
  checked: number;
  /** Per op: the changes still in the DOM after the page's scripts ran, or what replaced them. */
  reverted: Array<{ where: string; path: string; expected: string; got: string }>;
  hydrationErrors: string[];
  consoleErrors: string[];
  /** Cumulative layout shift while loading (PerformanceObserver 'layout-shift', without input). */
  layoutShift: number;
  /** Chromium could not load the arm: nothing was checked, and the arm fails. */
  loadError?: string;
  /** A JPEG data URL, kept for the screenshots page and left out of the JSON report. */
  screenshot?: string;
}

export interface ArmReport {
  arm: string;
  control: boolean;
  /** The rewriter produced a page for this arm (it refuses a selector it cannot parse, and then nothing is served). */
  rendered: boolean;
  /** The served bytes are the origin's, byte for byte. */
  byteIdentical: boolean;
  exposureLogged: boolean;
  faults: string[];
  ops: OpReport[];
  /** Changes no op accounts for. */
  unexplained: Array<{ path: string; message: string; expected: string; actual: string }>;
  skipped?: string;
  browser?: BrowserArmReport;
  ok: boolean;
}

export interface PageReport {
  experiment: string;
  where: string;
  page: string;
  url: string;
  status: number | null;
  encoding?: string;
  error?: string;
  hydration: Array<{ framework: string; marker: string; path: string }>;
  arms: ArmReport[];
  ok: boolean;
}

export interface VerifyReport {
  ok: boolean;
  origin: string;
  rules: string;
  pages: PageReport[];
  /** Experiments or patterns that could not be checked, and why. */
  notVerified: Array<{ experiment: string; where: string; reason: string }>;
  browser: { used: boolean; reason: string; screenshots: string | null };
}
