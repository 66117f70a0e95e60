import { randomBytes } from "node:crypto";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

/** The files `init` writes beside wrangler.toml, each only when missing, so a second run changes nothing. */

export interface FileChange {
  path: string;
  /** For the plan: what is added; the contents of secrets are never shown. */
  description: string;
  text: string;
}

/**
 * One experiment on the home page's first heading and its control, as a draft: it validates and can be pushed, but
 * changes nothing for visitors until someone has pointed it at the shop's real markup and set it running.
 */
function starterRules(schemaPath: string): string {
  const file = {
    $schema: schemaPath,
    experiments: [
      {
        id: "starter-headline",
        hypothesis: "A headline that names a concrete benefit makes more visitors buy",
        status: "draft",
        pages: ["/"],
        variants: [
          { id: "control", weight: 50 },
          {
            id: "benefit",
            weight: 50,
            ops: [{ op: "setText", selector: "h1", value: "Free delivery on every order, tomorrow" }],
          },
        ],
        metrics: { primary: "purchase" },
      },
    ],
  };
  return `${JSON.stringify(file, null, 2)}\n`;
}

export function planStarterRules(rulesDir: string, schemaPath: string): FileChange | undefined {
  const hasRules = existsSync(rulesDir) && readdirSync(rulesDir).some((name) => name.endsWith(".json"));
  if (hasRules) return undefined;
  return {
    path: join(rulesDir, "starter.json"),
    description: "a starter experiment (draft) and its control",
    text: starterRules(schemaPath),
  };
}

/** Secrets for `wrangler dev`, in .dev.vars: random, at least 16 characters, as the worker requires. */
const LOCAL_SECRETS = ["VISITOR_SECRET", "SERVER_EVENTS_SECRET"] as const;

export function planDevVars(root: string): FileChange | undefined {
  const path = join(root, ".dev.vars");
  const current = existsSync(path) ? readFileSync(path, "utf8") : "";
  const missing = LOCAL_SECRETS.filter((name) => !new RegExp(`^${name}\\s*=`, "m").test(current));
  if (missing.length === 0) return undefined;
  const lines = missing.map((name) => `${name}=${randomBytes(24).toString("base64url")}`);
  const separator = current && !current.endsWith("\n") ? "\n" : "";
  return {
    path,
    description: `random local ${missing.join(", ")} (wrangler dev reads them; never committed)`,
    text: `${current}${separator}${lines.join("\n")}\n`,
  };
}

/** .dev.vars holds secrets and .wrangler the local state: neither belongs in git. */
export function planGitignore(root: string): FileChange | undefined {
  const path = join(root, ".gitignore");
  const current = existsSync(path) ? readFileSync(path, "utf8") : "";
  const lines = new Set(current.split(/\r?\n/).map((line) => line.trim()));
  const missing = [".dev.vars", ".wrangler/"].filter(
    (entry) => !lines.has(entry) && !lines.has(entry.replace(/\/$/, "")) && !lines.has(`/${entry}`),
  );
  if (missing.length === 0) return undefined;
  const separator = current && !current.endsWith("\n") ? "\n" : "";
  return {
    path,
    description: `ignore ${missing.join(", ")}`,
    text: `${current}${separator}${missing.join("\n")}\n`,
  };
}
