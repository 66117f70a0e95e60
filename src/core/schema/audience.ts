import { z } from "zod";
import { checkPagePattern } from "../page-pattern.ts";

export const DEVICE_CLASSES = ["mobile", "tablet", "desktop"] as const;

const PagePattern = z
  .string()
  .max(200)
  .superRefine((pattern, ctx) => {
    const problem = checkPagePattern(pattern);
    if (problem) ctx.addIssue({ code: "custom", message: problem });
  });

const CountryCode = z.string().regex(/^[A-Z]{2}$/, "an ISO 3166-1 alpha-2 code in capitals, e.g. GB");

/** One test against the visitor. Conditions compose with all / any / not. */
export const ConditionSchema = z.union(
  [
    z.object({ visitor: z.enum(["new", "returning"]) }).strict(),
    z.object({ device: z.array(z.enum(DEVICE_CLASSES)).min(1) }).strict(),
    z.object({ country: z.array(CountryCode).min(1) }).strict(),
    z.object({ utmSource: z.array(z.string().min(1).max(100)).min(1) }).strict(),
    z.object({ path: z.array(PagePattern).min(1) }).strict(),
    z
      .object({
        get all() {
          return z.array(ConditionSchema).min(1);
        },
      })
      .strict(),
    z
      .object({
        get any() {
          return z.array(ConditionSchema).min(1);
        },
      })
      .strict(),
    z
      .object({
        get not() {
          return ConditionSchema;
        },
      })
      .strict(),
  ],
  {
    error:
      "not an audience condition: use one of visitor, device, country, utmSource, path, or all/any/not around them",
  },
);

export type Condition =
  | { visitor: "new" | "returning" }
  | { device: (typeof DEVICE_CLASSES)[number][] }
  | { country: string[] }
  | { utmSource: string[] }
  | { path: string[] }
  | { all: Condition[] }
  | { any: Condition[] }
  | { not: Condition };

export { PagePattern };
