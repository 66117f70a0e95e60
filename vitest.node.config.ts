import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    name: "node",
    include: ["test/node/**/*.test.ts", "test/cli/**/*.test.ts", "test/storefront/**/*.test.ts"],
    exclude: ["test/cli/**/*.e2e.test.ts"],
    environment: "node",
  },
});
