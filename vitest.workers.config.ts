import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-plugin";
import { defineConfig } from "vitest/config";
import { freePort } from "./test/support/free-port.ts";

// The fixture origin's port is chosen here, once, so the worker's ORIGIN_URL binding and the globalSetup that
// starts the origin agree on it.
process.env.STYLIST_TEST_ORIGIN_PORT ??= String(await freePort());
const migrations = await readD1Migrations("./migrations");

export default defineConfig({
  plugins: [
    cloudflareTest({
      wrangler: { configPath: "./wrangler.toml" },
      miniflare: {
        bindings: {
          ORIGIN_URL: `http://127.0.0.1:${process.env.STYLIST_TEST_ORIGIN_PORT}`,
          VISITOR_SECRET: "test-secret-0123456789abcdef",
          SERVER_EVENTS_SECRET: "server-secret-0123456789abcdef",
          RULES_REFRESH_SECONDS: "0",
          TEST_MIGRATIONS: migrations,
        },
      },
    }),
  ],
  test: {
    name: "workers",
    include: ["test/worker/**/*.test.ts"],
    globalSetup: ["test/support/origin-global-setup.ts"],
    setupFiles: ["test/worker/apply-migrations.ts"],
    // No test may fail for being slow: these wait on real sockets and a local queue, on a possibly loaded machine.
    testTimeout: 120_000,
  },
});
