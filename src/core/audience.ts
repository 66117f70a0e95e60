import type { VisitorContext } from "./context.ts";
import { compilePagePattern } from "./page-pattern.ts";
import type { Condition } from "./schema/audience.ts";

export type AudienceTest = (context: VisitorContext) => boolean;

/** Compiles a condition tree once per rules version, so a page view only runs closures and set lookups. */
export function compileCondition(condition: Condition): AudienceTest {
  if ("visitor" in condition) return (context) => context.visitor === condition.visitor;
  if ("device" in condition) {
    const devices = new Set<string>(condition.device);
    return (context) => devices.has(context.device);
  }
  if ("country" in condition) {
    const countries = new Set(condition.country);
    return (context) => context.country !== undefined && countries.has(context.country);
  }
  if ("utmSource" in condition) {
    const sources = new Set(condition.utmSource.map((source) => source.toLowerCase()));
    return (context) => context.utm.source !== undefined && sources.has(context.utm.source);
  }
  if ("path" in condition) {
    const patterns = condition.path.map(compilePagePattern);
    return (context) => patterns.some((pattern) => pattern.test(context.path));
  }
  if ("all" in condition) {
    const tests = condition.all.map(compileCondition);
    return (context) => tests.every((test) => test(context));
  }
  if ("any" in condition) {
    const tests = condition.any.map(compileCondition);
    return (context) => tests.some((test) => test(context));
  }
  const inner = compileCondition(condition.not);
  return (context) => !inner(context);
}
