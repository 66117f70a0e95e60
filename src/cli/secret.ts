import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";

/**
 * The visitor-cookie secret for `simulate`: --secret, then VISITOR_SECRET in the environment, then the project's
 * .dev.vars (where `npm start` keeps the demo's). Without it a cookie cannot be verified, exactly as at the edge.
 */
export function findVisitorSecret(flag: string | undefined, root: string): string | undefined {
  if (flag) return flag;
  if (process.env.VISITOR_SECRET) return process.env.VISITOR_SECRET;
  const devVars = join(root, ".dev.vars");
  if (!existsSync(devVars)) return undefined;
  const match = /^VISITOR_SECRET\s*=\s*"?([^"\n]+)"?\s*$/m.exec(readFileSync(devVars, "utf8"));
  return match?.[1]?.trim();
}
