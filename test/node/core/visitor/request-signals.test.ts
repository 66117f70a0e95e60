import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { shopCustomerCookieValue } from "../../../../demo/storefront/customer-cookie.ts";
import { sign } from "../../../../src/core/signing/hmac.ts";
import { browserFamily, primaryLanguage } from "../../../../src/core/visitor/browser.ts";
import { readCustomer } from "../../../../src/core/visitor/customer.ts";
import { localTime } from "../../../../src/core/visitor/local-time.ts";
import { classifySource } from "../../../../src/core/visitor/traffic-source.ts";

const at = (url: string) => new URL(url);

describe("traffic source", () => {
  it.each<[string, string | null, string]>([
    ["https://shop.example/?gclid=abc", null, "paid"],
    ["https://shop.example/?fbclid=abc", "https://facebook.com/", "paid"],
    ["https://shop.example/?utm_source=google&utm_medium=cpc", null, "paid"],
    ["https://shop.example/?utm_medium=email&utm_source=newsletter", null, "email"],
    ["https://shop.example/?utm_medium=social", null, "social"],
    ["https://shop.example/", "https://www.google.co.uk/", "search"],
    ["https://shop.example/", "https://duckduckgo.com/", "search"],
    ["https://shop.example/", "https://t.co/abc", "social"],
    ["https://shop.example/", "https://blog.example/review", "referral"],
    ["https://shop.example/?utm_source=partner", null, "referral"],
    ["https://shop.example/", null, "direct"],
    ["https://shop.example/", "https://shop.example/category/x", "direct"],
    ["https://shop.example/", "not a url", "direct"],
  ])("%s from %s is %s", (url, referrer, source) => {
    expect(classifySource(at(url), referrer)).toBe(source);
  });
});

describe("browser and language", () => {
  it.each([
    [
      "Mozilla/5.0 (Windows NT 10.0) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36",
      "chrome",
    ],
    ["Mozilla/5.0 (Windows NT 10.0) AppleWebKit/537.36 Chrome/126.0 Safari/537.36 Edg/126.0", "edge"],
    [
      "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 Version/17.5 Mobile/15E148 Safari/604.1",
      "safari",
    ],
    ["Mozilla/5.0 (X11; Linux x86_64; rv:127.0) Gecko/20100101 Firefox/127.0", "firefox"],
    [
      "Mozilla/5.0 (Linux; Android 14) AppleWebKit/537.36 SamsungBrowser/25.0 Chrome/121.0 Mobile Safari/537.36",
      "samsung",
    ],
    ["Mozilla/5.0 Chrome/126.0 Safari/537.36 OPR/111.0", "opera"],
    ["", "other"],
  ])("%s is %s", (ua, family) => {
    expect(browserFamily(ua)).toBe(family);
  });

  it("takes the most preferred valid language, respecting q-values", () => {
    expect(primaryLanguage("en-GB,en;q=0.9,fr;q=0.8")).toBe("en-gb");
    expect(primaryLanguage("fr;q=0.5, de;q=0.9")).toBe("de");
    expect(primaryLanguage("*, <script>")).toBeUndefined();
    expect(primaryLanguage(null)).toBeUndefined();
  });
});

/** Any visitor: an unsigned customer value does not depend on who sends it. */
const ANYONE = { id: undefined, now: Date.now() };

describe("customer status from the storefront", () => {
  const headers = (cookie: string) => new Headers({ cookie });

  it("reads a tier from the named cookie, and 1 as a customer without tier", async () => {
    expect(await readCustomer({ cookie: "fs_customer" }, headers("fs_customer=Gold"), {}, ANYONE)).toEqual({
      customer: true,
      tier: "gold",
    });
    expect(await readCustomer({ cookie: "fs_customer" }, headers("fs_customer=1"), {}, ANYONE)).toEqual({
      customer: true,
      tier: undefined,
    });
    expect(await readCustomer({ cookie: "fs_customer" }, headers("fs_customer=0"), {}, ANYONE)).toEqual({
      customer: false,
      tier: undefined,
    });
    expect(await readCustomer(undefined, headers("fs_customer=gold"), {}, ANYONE)).toEqual({
      customer: false,
      tier: undefined,
    });
  });

  const secret = "customer-secret-0123456789";
  const source = { cookie: "fs_customer", secretVar: "CUSTOMER_SECRET" };
  const visitor = "0123456789abcdef0123456789abcdef";
  const now = Date.UTC(2026, 11, 5, 12);
  const inAnHour = Math.floor(now / 1000) + 3_600;
  const read = (value: string, who = visitor, at = now) =>
    readCustomer(source, headers(`fs_customer=${value}`), { CUSTOMER_SECRET: secret }, { id: who, now: at });

  it("accepts a signed value only with the shop's signature, for the visitor it was signed for, until it expires", async () => {
    const signed = shopCustomerCookieValue("gold", visitor, inAnHour, secret);
    expect(await read(signed)).toEqual({ customer: true, tier: "gold" });
    const forged = signed.replace(/^gold/, "platinum");
    expect((await read(forged)).customer).toBe(false);
    expect((await read("gold")).customer).toBe(false);
    // Issue 12 item 8: the same value is not a bearer token.
    expect((await read(signed, "fedcba9876543210fedcba9876543210")).customer).toBe(false);
    expect((await read(signed, visitor, (inAnHour + 1) * 1000)).customer).toBe(false);
    expect(
      (
        await readCustomer(
          source,
          headers(`fs_customer=${signed}`),
          { CUSTOMER_SECRET: secret },
          { id: undefined, now },
        )
      ).customer,
    ).toBe(false);
  });

  it("refuses the old unbound, never-expiring form, a later expiry than 400 days, and an edited expiry", async () => {
    expect((await read(`gold.${await sign("customer.v1.gold", secret)}`)).customer).toBe(false);
    const farFuture = Math.floor(now / 1000) + 401 * 86_400;
    expect((await read(shopCustomerCookieValue("gold", visitor, farFuture, secret))).customer).toBe(false);
    const signed = shopCustomerCookieValue("gold", visitor, inAnHour, secret);
    expect((await read(signed.replace(`.${inAnHour}.`, `.${inAnHour + 86_400}.`))).customer).toBe(false);
  });

  it("matches the recipe in docs/audiences.md, as the demo storefront signs it", async () => {
    const value = shopCustomerCookieValue("gold", visitor, 1_800_000_000, "example-customer-secret-0123");
    const docs = readFileSync(new URL("../../../../docs/audiences.md", import.meta.url), "utf8");
    expect(docs).toContain(value);
    expect(
      await readCustomer(
        source,
        headers(`fs_customer=${value}`),
        { CUSTOMER_SECRET: "example-customer-secret-0123" },
        {
          id: visitor,
          now: 1_799_000_000_000,
        },
      ),
    ).toEqual({ customer: true, tier: "gold" });
  });
});

describe("store-local time", () => {
  it("follows the store's time zone, summer time included", () => {
    // 2026-07-01 12:30 UTC is 13:30 in London (BST) on a Wednesday; 2026-12-01 12:30 UTC is 12:30 (GMT), a Tuesday.
    expect(localTime(Date.UTC(2026, 6, 1, 12, 30), "Europe/London")).toEqual({ hour: 13, weekday: "wed" });
    expect(localTime(Date.UTC(2026, 11, 1, 12, 30), "Europe/London")).toEqual({ hour: 12, weekday: "tue" });
    expect(localTime(Date.UTC(2026, 11, 1, 23, 30), "Asia/Tokyo")).toEqual({ hour: 8, weekday: "wed" });
  });
});
