/**
 * Stylist's statistics core: pure functions (no Node or Workers APIs) for the experiment report.
 * See DESIGN.md "Statistics" for which test answers which metric.
 */

export {
  type BayesianLift,
  bayesianRelativeLift,
  chanceToBeatControlMeans,
  chanceToBeatControlProportions,
} from "./bayes.ts";
export { regularizedBeta } from "./beta.ts";
export { chiSquareCdf, chiSquareSurvival } from "./chi-square.ts";
export { type CovariateSums, type CupedResult, cupedAdjust } from "./cuped.ts";
export {
  type ArmSummary,
  absoluteEffect,
  type EffectEstimate,
  type EffectOptions,
  type Reference,
  relativeEffect,
  welchSatterthwaiteDf,
} from "./effect.ts";
export { type FisherResult, fisherExactTest, type Table2x2 } from "./fisher.ts";
export { logBeta, logGamma, regularizedGammaP, regularizedGammaQ } from "./gamma.ts";
export { chiSquareIndependence, type IndependenceResult } from "./independence.ts";
export { type MomentSums, relativeLiftOfMeans, summarizeMoments, welchTTest } from "./means.ts";
export { holmBonferroni } from "./multiple.ts";
export { erfc, normalCdf, normalPdf, normalQuantile, normalSurvival } from "./normal.ts";
export {
  type DetectableRateInput,
  type DurationInput,
  detectableRate,
  expectedDurationDays,
  type PowerInput,
  powerTwoProportions,
  type SampleSizeInput,
  sampleSizePerArm,
} from "./power.ts";
export {
  absoluteLiftOfProportions,
  type Conversions,
  newcombeDifference,
  proportionSummary,
  relativeLiftOfProportions,
  twoProportionZTest,
  wilsonInterval,
  type ZTestResult,
} from "./proportions.ts";
export { type Random, seededRandom } from "./random.ts";
export { absoluteLiftOfRatios, type RatioSums, ratioSummary, relativeLiftOfRatios } from "./ratio.ts";
export {
  type ConfidenceSequence,
  type ConfidenceSequenceInput,
  confidenceSequence,
  DEFAULT_SEQUENTIAL_TUNING,
  sequentialRho,
} from "./sequential.ts";
export { SRM_THRESHOLD, type SrmResult, sampleRatioMismatch } from "./srm.ts";
export {
  type PeriodCell,
  type PeriodSrm,
  periodSampleRatioMismatch,
  periodTotals,
  pooledMean,
  type StratifiedEstimate,
  stratifiedMean,
} from "./stratified.ts";
export { studentTCdf, studentTPdf, studentTQuantile, studentTTwoSidedPValue } from "./student-t.ts";
