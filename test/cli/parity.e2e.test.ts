import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import type { Server } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { describeEvent, PARITY_RULES, PARITY_SECRET, parityCases } from "../fixtures/parity.ts";
import { freePort } from "../support/free-port.ts";
import { startFixtureOrigin } from "../support/origin-server.ts";
import { runCli } from "../support/run-cli.ts";

/**
 * The simulate side of the parity test (the worker side is test/worker/parity.test.ts): `stylist simulate --json`
 * for the same requests, against the same rules and the same fixture origin, must report the same gate, arms,
 * response, cookies and events the worker serves and logs.
 */
let origin: Server;
let originUrl: string;
let dir: string;

beforeAll(async () => {
  const port = await freePort();
  origin = await startFixtureOrigin(port);
  originUrl = `http://127.0.0.1:${port}`;
  dir = mkdtempSync(join(tmpdir(), "stylist-parity-"));
  writeFileSync(join(dir, "parity.json"), JSON.stringify(PARITY_RULES, null, 2));
});

afterAll(async () => {
  rmSync(dir, { recursive: true, force: true });
  await new Promise<void>((resolve) => origin.close(() => resolve()));
});

interface SimulateJson {
  gate: string | null;
  served: Array<{ experiment: string; variant: string }>;
  response: { kind: string; location?: string };
  cookies: string[];
  events?: Array<{ type: string; experiment?: string; variant?: string; goal?: string }>;
}

const cases = await parityCases(Date.now());

describe("stylist simulate --json reports what the worker serves and logs (parity)", () => {
  it.each(cases.map((entry) => [entry.name, entry] as const))(
    "%s",
    async (_name, entry) => {
      const args = ["simulate", "--url", `https://shop.example${entry.path}`, "--json"];
      args.push("--rules", "files", "--dir", dir, "--origin", originUrl, "--secret", PARITY_SECRET);
      for (const [name, value] of Object.entries(entry.headers)) args.push("--header", `${name}: ${value}`);
      for (const cookie of entry.cookies) args.push("--cookie", cookie);
      const result = await runCli(args);
      expect(result.code, result.stderr).toBe(0);
      const simulated = JSON.parse(result.stdout) as SimulateJson;
      expect({
        gate: simulated.gate,
        served: simulated.served.map((decision) => `${decision.experiment}/${decision.variant}`),
        response: simulated.response,
        cookies: simulated.cookies,
        events: simulated.events?.map(describeEvent),
      }).toEqual(entry.expected);
    },
    60_000,
  );
});
