import { MIN_SECRET_LENGTH } from "../../core/signing/hmac.ts";
import { type Finding, fail, ok, skip } from "./finding.ts";

/**
 * A secret the worker signs with is strong when a guess cannot find it: long, and not a word, a repeated pattern
 * or a placeholder. The worker itself refuses anything under MIN_SECRET_LENGTH (and then serves every page
 * untouched); this asks for more, the 32 random characters the docs say.
 */
const STRONG_SECRET_LENGTH = 32;
const PLACEHOLDERS = /^(change[-_ ]?me|secret|password|test|example|todo|xxx+|placeholder)/i;

export function secretWeakness(value: string): string | undefined {
  if (value.length < MIN_SECRET_LENGTH)
    return `${value.length} characters, under the worker's minimum of ${MIN_SECRET_LENGTH}: the worker serves every page untouched`;
  if (value.length < STRONG_SECRET_LENGTH)
    return `only ${value.length} characters (want ${STRONG_SECRET_LENGTH} or more)`;
  if (PLACEHOLDERS.test(value)) return "starts like a placeholder, not a random value";
  if (new Set(value).size < 10)
    return `only ${new Set(value).size} distinct characters: a pattern, not a random value`;
  if (/^(.{1,16})\1+$/.test(value)) return "a short pattern repeated";
  return undefined;
}

const FIX = (name: string, remote: boolean) =>
  remote
    ? `openssl rand -base64 32 | npx wrangler secret put ${name}`
    : `put ${name}=<output of \`openssl rand -base64 32\`> in .dev.vars (npx stylist init writes one)`;

export interface SecretSpec {
  name: string;
  required: boolean;
  /** Why it matters, for a missing optional secret. */
  purpose: string;
}

/**
 * `values`: the secrets' values where they can be read (.dev.vars locally); `names`: only which are set (an account
 * never gives a secret back).
 */
export function secretChecks(
  specs: SecretSpec[],
  source: { values: Record<string, string> } | { names: Set<string> },
  remote: boolean,
): Finding[] {
  return specs.map((spec) => {
    const check = `secret:${spec.name}`;
    const isSet = "values" in source ? source.values[spec.name] !== undefined : source.names.has(spec.name);
    if (!isSet) {
      return spec.required
        ? fail(check, `${spec.name} is not set: ${spec.purpose}`, FIX(spec.name, remote))
        : skip(check, `${spec.name} is not set (${spec.purpose})`);
    }
    if (!("values" in source))
      return ok(check, `${spec.name} is set (its strength cannot be read back from the account)`);
    const weakness = secretWeakness(source.values[spec.name] ?? "");
    return weakness
      ? fail(check, `${spec.name} is weak: ${weakness}`, FIX(spec.name, remote))
      : ok(check, `${spec.name} is set and strong`);
  });
}

/** KEY=value lines as wrangler reads .dev.vars (quotes optional). */
export function parseDevVars(text: string): Record<string, string> {
  const values: Record<string, string> = {};
  for (const line of text.split(/\r?\n/)) {
    const match = /^\s*([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*?)\s*$/.exec(line);
    if (!match?.[1] || line.trimStart().startsWith("#")) continue;
    values[match[1]] = (match[2] ?? "").replace(/^(["'])(.*)\1$/, "$2");
  }
  return values;
}
