import { beforeEach, describe, expect, it } from "vitest";
import { alwaysVariant } from "../fixtures/experiments.ts";
import { HOME_HTML } from "../fixtures/pages.ts";
import { publish, visit } from "./helpers.ts";

const VARIANT_ONLY = alwaysVariant();

describe("compressed origin pages", () => {
  beforeEach(async () => {
    await publish([VARIANT_ONLY]);
  });

  it.each(["/gzip", "/brotli"])("rewrites the decoded HTML of %s and serves valid content", async (path) => {
    const response = await visit(path, { headers: { "accept-encoding": "gzip, br" } });
    const body = await response.text();
    expect(body).toBe(HOME_HTML.replace("<h1>Gear for every fell</h1>", "<h1>Tested on the fells</h1>"));
    expect(response.headers.get("content-length")).toBeNull();
  });
});
