import { describe, expect, it } from "vitest";
import { BrowserEventSchema } from "../../../../src/core/schema/beacon.ts";
import { ISO_4217_CURRENCIES } from "../../../../src/core/schema/currencies.ts";

/** A currency is an ISO 4217 code a shop takes payment in, not any three capitals (issue 12 item 9). */
describe("the currencies an order may be in", () => {
  it("are all codes the platform's own ISO 4217 data knows", () => {
    const known = new Set(Intl.supportedValuesOf("currency"));
    // VED (the digital bolívar, ISO 4217 numeric 926, 2021) is missing from ICU's data in Node 24.
    expect([...ISO_4217_CURRENCIES].filter((code) => !known.has(code))).toEqual(["VED"]);
    expect(ISO_4217_CURRENCIES.size).toBeGreaterThan(150);
  });

  it("refuse three capitals that are no currency, metals, testing codes and withdrawn ones", () => {
    for (const currency of ["ABC", "QQQ", "XXX", "XAU", "XTS", "XDR", "HRK", "DEM", "gbp", "GB"]) {
      expect(BrowserEventSchema.safeParse({ goal: "purchase", value: 1, currency }).success, currency).toBe(
        false,
      );
    }
    for (const currency of ["GBP", "EUR", "USD", "JPY", "CHF", "XOF", "XCG"]) {
      expect(BrowserEventSchema.safeParse({ goal: "purchase", value: 1, currency }).success, currency).toBe(
        true,
      );
    }
  });
});
