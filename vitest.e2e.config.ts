import { defineConfig } from "vitest/config";

// End-to-end tests drive real processes (wrangler dev, the stylist binary) against shared files such as .dev.vars,
// so they run one file at a time, after one setup that writes the demo's secrets.
export default defineConfig({
  test: {
    name: "e2e",
    include: ["test/cli/**/*.e2e.test.ts"],
    environment: "node",
    fileParallelism: false,
    globalSetup: ["test/support/e2e-global-setup.ts"],
    // Generous on purpose: a loaded two-core machine starts wrangler dev and the CLI several times slower.
    testTimeout: 180_000,
    hookTimeout: 300_000,
  },
});
