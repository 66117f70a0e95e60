import type { RuleStore } from "../../rules/store.ts";
import { forgottenKey } from "../../sink/forgotten.ts";

/**
 * Marks the visitor for the archive buffer (src/sink/forgotten.ts), before the archive's files are rewritten: the
 * buffer drops their events at its next flush, so events still buffered or queued never reach a file. Written
 * first, so that a flush landing while the files are rewritten already honours it. KV is read where it was written
 * at once, elsewhere within about a minute — a flush in that minute may still write the visitor's newest events.
 */
export async function forgetInBuffer(rules: RuleStore, visitor: string, now = Date.now()): Promise<void> {
  await rules.put(forgottenKey(visitor, now), new Date(now).toISOString());
}
