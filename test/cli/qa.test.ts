import { describe, expect, it } from "vitest";
import { readPreviewToken } from "../../src/core/signing/preview.ts";
import { runCli } from "../support/run-cli.ts";

const SECRET = "qa-test-secret-0123456789";
const HEADLESS =
  "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/126.0.0.0 Safari/537.36";

describe("QA with headless browsers", { timeout: 180_000 }, () => {
  it("simulate says when a request is treated as a bot, in text and JSON", async () => {
    const args = ["simulate", "--url", "http://127.0.0.1:8787/", "--decisions-only", "--secret", SECRET];
    const text = await runCli([...args, "--header", `User-Agent: ${HEADLESS}`]);
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toMatch(/treated as a bot/);
    const json = await runCli([...args, "--header", `User-Agent: ${HEADLESS}`, "--json"]);
    expect(JSON.parse(json.stdout).gate).toBe("bot");
    const person = await runCli([
      ...args,
      "--header",
      "User-Agent: Mozilla/5.0 Chrome/126.0 Safari/537.36",
      "--json",
    ]);
    expect(JSON.parse(person.stdout).gate).toBeNull();
  });

  it("preview --qa prints a signed pass that forces no arm, on PORT, without opening any state", async () => {
    const result = await runCli(["preview", "--qa", "--ttl", "2h", "--secret", SECRET], { PORT: "9124" });
    expect(result.code, result.stderr).toBe(0);
    const link = new URL(result.stdout.trim());
    expect(link.origin).toBe("http://127.0.0.1:9124");
    const preview = await readPreviewToken(
      link.searchParams.get("stylist_preview") ?? "",
      SECRET,
      Date.now(),
    );
    expect(preview?.arms.size).toBe(0);
    const mixed = await runCli(["preview", "hero", "promise", "--qa", "--secret", SECRET]);
    expect(mixed.code).toBe(2);
  });
});
