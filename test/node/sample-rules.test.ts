import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { startStorefront } from "../../demo/storefront/server.ts";
import { readRuleFiles } from "../../src/cli/rule-files.ts";
import { readCustomer } from "../../src/core/customer.ts";
import { validateRuleSources } from "../../src/rules/validate.ts";
import { ROOT } from "../support/run-cli.ts";

const CUSTOMER_SECRET = "customer-secret-0123456789abcdef";

describe("the sample rules and storefront model the safe setup", () => {
  it("validate with no warnings: the customer cookie is signed (settings.customer.secretVar)", () => {
    const result = validateRuleSources(readRuleFiles(join(ROOT, "rules"), ROOT));
    expect(result.errors).toEqual([]);
    expect(result.warnings.map((warning) => `${warning.path}: ${warning.message}`)).toEqual([]);
  });

  it("the storefront signs the customer cookie after an order, and only the signed value makes a customer", async () => {
    const shop = await startStorefront({
      port: 0,
      customerSecret: CUSTOMER_SECRET,
      reportEvent: async () => {},
    });
    try {
      const response = await fetch(`${shop.url}/checkout`, { method: "POST", redirect: "manual" });
      await response.arrayBuffer();
      const cookie = (response.headers.get("set-cookie") ?? "").split(";")[0] as string;
      expect(cookie).toMatch(/^fs_customer=1\.[\w-]{22}$/);
      const source = { cookie: "fs_customer", secretVar: "CUSTOMER_SECRET" };
      const headers = (value: string) => new Headers({ cookie: value });
      expect((await readCustomer(source, headers(cookie), { CUSTOMER_SECRET })).customer).toBe(true);
      expect((await readCustomer(source, headers("fs_customer=1"), { CUSTOMER_SECRET })).customer).toBe(
        false,
      );
    } finally {
      await shop.close();
    }
  });
});
