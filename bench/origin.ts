import { type ChildProcess, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";

const MAIN = fileURLToPath(new URL("../demo/storefront/main.ts", import.meta.url));

export interface Origin {
  url: string;
  /** Throws if the storefront process has gone: every figure after that would measure error pages. */
  assertAlive(): void;
  stop(): Promise<void>;
}

/**
 * The demo storefront in its own Node process, so the load generator in this process and the origin do not share
 * an event loop: a busy autocannon would otherwise slow the origin and flatter or punish whichever contestant ran.
 */
export function startOrigin(): Promise<Origin> {
  const child: ChildProcess = spawn(process.execPath, [MAIN], {
    env: { ...process.env, PORT: "0", HOST: "127.0.0.1" },
    stdio: ["ignore", "pipe", "inherit"],
  });
  let stopping = false;
  let died: string | undefined;
  child.once("exit", (code, signal) => {
    if (stopping) return;
    died = signal ? `killed by ${signal}` : `exited with code ${code}`;
    console.error(`[bench] the storefront (pid ${child.pid}) ${died}`);
  });
  const stop = () =>
    new Promise<void>((resolve) => {
      stopping = true;
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      child.once("exit", () => resolve());
      child.kill("SIGTERM");
    });
  return new Promise((resolve, reject) => {
    let output = "";
    const timer = setTimeout(() => {
      void stop();
      reject(new Error(`the storefront did not start: ${output}`));
    }, 15_000);
    child.once("error", reject);
    child.once("exit", () => reject(new Error(`the storefront stopped before it listened: ${output}`)));
    child.stdout?.on("data", (chunk: Buffer) => {
      output += chunk.toString();
      const url = /listening on (http:\/\/\S+)/.exec(output)?.[1];
      if (url) {
        clearTimeout(timer);
        resolve({
          url,
          stop,
          assertAlive() {
            if (died) throw new Error(`the storefront ${died} during the run; no results were written`);
          },
        });
      }
    });
  });
}
