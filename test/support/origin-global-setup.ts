import { startFixtureOrigin } from "./origin-server.ts";

/** Runs in Node before the workerd tests: the fixture origin the worker proxies to. */
export default async function setup() {
  const port = Number(process.env.STYLIST_TEST_ORIGIN_PORT);
  const server = await startFixtureOrigin(port);
  return () => new Promise<void>((resolve) => server.close(() => resolve()));
}
