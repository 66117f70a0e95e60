import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    name: "node",
    include: ["test/node/**/*.test.ts", "test/cli/**/*.test.ts", "test/storefront/**/*.test.ts"],
    exclude: ["test/cli/**/*.e2e.test.ts"],
    environment: "node",
    // The pure core keeps no state a test file could leak into another that matters (its caches are keyed by
    // content), so test files share workers instead of paying a fresh worker's start (~1 s each) per file.
    isolate: false,
    // No test may fail for being slow: a loaded two-core machine runs the heavier ones several times slower.
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
