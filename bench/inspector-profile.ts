/**
 * A V8 CPU profile of one worker in a Miniflare-run workerd, through its inspector (Miniflare's `inspectorPort`):
 * start, run `work`, stop, and the functions with the most self time (bundle unminified to read their names).
 */
interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples?: number[];
  timeDeltas?: number[];
}

export async function profileWorker(
  inspectorPort: number,
  worker: string,
  work: () => Promise<void>,
): Promise<{ profile: Profile; top: string[]; inclusive: string[]; busyMs: number }> {
  const targets = (await (await fetch(`http://127.0.0.1:${inspectorPort}/json/list`)).json()) as Array<{
    id: string;
    title?: string;
    webSocketDebuggerUrl?: string;
  }>;
  const target = targets.find(
    (candidate) => candidate.title?.includes(worker) || candidate.id.includes(worker),
  );
  if (!target?.webSocketDebuggerUrl)
    throw new Error(`no inspector target for ${worker}: ${JSON.stringify(targets)}`);
  const socket = new WebSocket(target.webSocketDebuggerUrl);
  await new Promise((resolve, reject) => {
    socket.addEventListener("open", resolve, { once: true });
    socket.addEventListener("error", reject, { once: true });
  });
  let id = 0;
  const pending = new Map<number, (result: unknown) => void>();
  socket.addEventListener("message", (event) => {
    const message = JSON.parse(String(event.data)) as { id?: number; result?: unknown };
    if (message.id !== undefined) pending.get(message.id)?.(message.result);
  });
  const send = (method: string, params: Record<string, unknown> = {}) =>
    new Promise<unknown>((resolve) => {
      id++;
      pending.set(id, resolve);
      socket.send(JSON.stringify({ id, method, params }));
    });
  await send("Profiler.enable");
  await send("Profiler.setSamplingInterval", { interval: 50 });
  await send("Profiler.start");
  await work();
  const { profile } = (await send("Profiler.stop")) as { profile: Profile };
  socket.close();
  const total = profile.nodes.reduce((sum, node) => sum + (node.hitCount ?? 0), 0);
  const self = new Map<string, number>();
  for (const node of profile.nodes) {
    const { functionName, url, lineNumber } = node.callFrame;
    const key = `${functionName || "(anonymous)"} ${url.split("/").pop()}:${lineNumber + 1}`;
    self.set(key, (self.get(key) ?? 0) + (node.hitCount ?? 0));
  }
  // Inclusive time: each sample counted once per distinct function on its stack.
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const inclusiveHits = new Map<string, number>();
  const keyOf = (node: ProfileNode) =>
    `${node.callFrame.functionName || "(anonymous)"} ${node.callFrame.url.split("/").pop()}:${node.callFrame.lineNumber + 1}`;
  const walk = (node: ProfileNode, onStack: Set<string>): number => {
    const key = keyOf(node);
    let hits = node.hitCount ?? 0;
    const fresh = !onStack.has(key);
    if (fresh) onStack.add(key);
    for (const child of node.children ?? []) hits += walk(byId.get(child) as ProfileNode, onStack);
    if (fresh) {
      onStack.delete(key);
      inclusiveHits.set(key, (inclusiveHits.get(key) ?? 0) + hits);
    }
    return hits;
  };
  const root = profile.nodes[0];
  if (root) walk(root, new Set());
  const format = (entries: Map<string, number>) =>
    [...entries.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, 60)
      .map(([key, hits]) => `${((hits / total) * 100).toFixed(1).padStart(5)}%  ${key}`);
  // Sampled time the thread was not idle, from each sample's time delta.
  const idle = new Set(
    profile.nodes.filter((node) => node.callFrame.functionName === "(idle)").map((node) => node.id),
  );
  let busyMicros = 0;
  (profile.samples ?? []).forEach((sample, i) => {
    if (!idle.has(sample)) busyMicros += profile.timeDeltas?.[i + 1] ?? profile.timeDeltas?.[i] ?? 0;
  });
  return { profile, top: format(self), inclusive: format(inclusiveHits), busyMs: busyMicros / 1000 };
}
