import type { Variant } from "../schema/experiment.ts";
import type { CompiledExperiment } from "./compile.ts";

/** One experiment's arm for one visitor on one page: what decide() returns and everything after it consumes. */
export interface Decision {
  compiled: CompiledExperiment;
  /** The arm whose ops are served: the control for held-back visitors. */
  variant: Variant;
  /** The arm logged in events: a variant id, or "holdout". */
  arm: string;
  control: boolean;
  /** The visitor's position in [0, 1) for this experiment, kept for explanations and audits. */
  bucket: number;
  /** A bandit's allocation period the visitor was assigned in (carried on exposure events); undefined otherwise. */
  period?: number;
  /** A bandit arm assigned on this view, to be remembered in the profile so reweights never move the visitor. */
  fresh?: boolean;
}
