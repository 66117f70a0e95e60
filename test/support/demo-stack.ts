import { cpSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll } from "vitest";
import { type Demo, startDemo } from "../../demo/run-demo.ts";
import { freePort } from "./free-port.ts";
import { ROOT } from "./run-cli.ts";

export interface DemoStack {
  demo: Demo;
  /** The local state directory `wrangler dev` and the CLI share, as `npm start` and `npx stylist` share theirs. */
  state: string;
  /** A private copy of rules/ that a test may edit and push. */
  rulesDir: string;
  /** The CLI flags that point a command at this stack's state. */
  local(): string[];
  /** .dev.vars as the worker read it when it started: the secrets its cookies and preview links are checked with. */
  devVarsAtStart: string;
}

/**
 * One local stack for a whole test file: the sample storefront, wrangler dev (worker, queue consumer, D1) and a
 * temporary state directory; started before the file's tests and stopped after them.
 */
export function useDemoStack(options: { sink?: "d1" | "r2" } = {}): DemoStack {
  const stack = { local: () => ["--persist-to", stack.state] } as DemoStack;
  beforeAll(async () => {
    stack.state = mkdtempSync(join(tmpdir(), "stylist-state-"));
    stack.rulesDir = mkdtempSync(join(tmpdir(), "stylist-rules-"));
    cpSync(join(ROOT, "rules"), stack.rulesDir, { recursive: true });
    stack.devVarsAtStart = "";
    stack.demo = await startDemo({
      port: await freePort(),
      originPort: await freePort(),
      persistTo: stack.state,
      refreshSeconds: 0,
      ...(options.sink ? { sink: options.sink } : {}),
    });
    stack.devVarsAtStart = readFileSync(join(ROOT, ".dev.vars"), "utf8");
  }, 300_000);
  afterAll(async () => {
    await stack.demo?.stop();
    rmSync(stack.state, { recursive: true, force: true });
    rmSync(stack.rulesDir, { recursive: true, force: true });
  });
  return stack;
}

/** Polls until `probe` returns something, for effects that reach the worker or the sink asynchronously; bounded. */
export async function eventually<T>(probe: () => Promise<T | undefined>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`nothing within ${timeoutMs / 1000} s`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}
