import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { MIN_SECRET_LENGTH, usableSecret } from "../core/signing/hmac.ts";
import { CLIError, EXIT } from "./errors.ts";

/**
 * The visitor-cookie secret for `simulate`: --secret, then VISITOR_SECRET in the environment, then the project's
 * .dev.vars (where `npm start` keeps the demo's). Without it a cookie cannot be verified, exactly as at the edge.
 */
export function findVisitorSecret(flag: string | undefined, root: string): string | undefined {
  const found = flag || process.env.VISITOR_SECRET || fromDevVars(root);
  if (found === undefined) return undefined;
  // Checked as the worker checks it: the worker would serve every page untouched with a shorter one.
  if (!usableSecret(found))
    throw new CLIError(`VISITOR_SECRET is shorter than ${MIN_SECRET_LENGTH} characters`, EXIT.invalid);
  return found;
}

function fromDevVars(root: string): string | undefined {
  const devVars = join(root, ".dev.vars");
  if (!existsSync(devVars)) return undefined;
  const match = /^VISITOR_SECRET\s*=\s*"?([^"\n]+)"?\s*$/m.exec(readFileSync(devVars, "utf8"));
  return match?.[1]?.trim();
}
