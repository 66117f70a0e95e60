import { storedEventCount } from "./seed-state.ts";
import type { Workerd } from "./workerd.ts";

export interface Drained {
  stored: number;
  waitedMs: number;
  complete: boolean;
}

/**
 * Waits until the queue consumer has stored `expected` events: the consumer shares workerd's one thread with the
 * contestants, so a backlog left by one row would slow the next. Gives up when nothing has been stored for 5 s.
 */
export async function drainQueue(workerd: Workerd, expected: number): Promise<Drained> {
  const started = Date.now();
  let stored = await storedEventCount(workerd);
  let progressAt = Date.now();
  while (stored < expected && Date.now() - progressAt < 5_000) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    const now = await storedEventCount(workerd);
    if (now !== stored) progressAt = Date.now();
    stored = now;
  }
  return { stored, waitedMs: Date.now() - started, complete: stored >= expected };
}
