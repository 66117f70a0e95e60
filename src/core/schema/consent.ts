import * as z from "zod";

/**
 * Consent, per the UK rules (see docs/privacy.md; not legal advice):
 * - required: no identifier, profile or logging until the named consent cookie says yes; until then, the control.
 * - statistical: identifier and logging allowed for statistics with clear information and an easy objection
 *   (the Data (Use and Access) Act 2025 exception); an objection or Sec-GPC turns them off.
 * - off: no consent check (for sites whose consent platform gates the whole page).
 * The worker treats statistical and off alike; they differ in what the site tells its visitors (docs/privacy.md).
 * In every mode, an objection cookie or `Sec-GPC: 1` means: no cookie, no logging, the control.
 */
export const ConsentSchema = z
  .strictObject({
    mode: z.enum(["required", "statistical", "off"]).default("statistical"),
    cookie: z
      .string()
      .regex(/^[A-Za-z0-9_-]{1,64}$/)
      .optional()
      .describe("The consent platform's cookie; with mode required, personalisation waits for it."),
    grantedValues: z
      .array(z.string().max(100))
      .max(10)
      .default(["1", "true", "yes", "granted", "accepted", "all"])
      .describe("Cookie values (case-insensitive) that mean yes."),
  })
  .refine((consent) => consent.mode !== "required" || consent.cookie !== undefined, {
    path: ["cookie"],
    message:
      "mode required needs the consent cookie to wait for; without it nobody would ever be personalised",
  });

export type Consent = z.infer<typeof ConsentSchema>;
export const OBJECTION_COOKIE = "stylist_objection";
