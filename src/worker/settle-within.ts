/**
 * `promise`, or what `late()` gives if it has not settled within `ms`. The timer is cleared as soon as either
 * settles, so a page that is served in time leaves no timer keeping the request's context alive.
 */
export function settleWithin<T, L>(promise: Promise<T>, ms: number, late: () => L): Promise<T | L> {
  let timer: ReturnType<typeof setTimeout> | null = null;
  const deadline = new Promise<L>((resolve) => {
    timer = setTimeout(() => resolve(late()), ms);
  });
  return Promise.race([promise, deadline]).finally(() => {
    if (timer !== null) clearTimeout(timer);
  });
}
