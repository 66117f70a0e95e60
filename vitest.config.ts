import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    projects: ["./vitest.node.config.ts", "./vitest.workers.config.ts", "./vitest.e2e.config.ts"],
    // The JSON report lets .ci/run print one plain "N passed, N failed" line that any CI can read.
    reporters: ["default", ["json", { outputFile: ".tmp/vitest-results.json" }]],
  },
});
