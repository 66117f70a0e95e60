import stylist from "../../src/worker/index.ts";

/**
 * The real Stylist worker, unchanged, with two bindings wrapped so the benchmark counts instead of estimating:
 * every call on RULES (KV) and every send on EVENTS (Queue). Counters live in the isolate (one per worker in
 * workerd) and are read or reset at /__bench/counters, which never reaches Stylist.
 */
const counters = { requests: 0, kvCalls: {}, queueSends: 0, queueMessages: 0, queueEvents: 0 };

/** A message is one event, or a page view's pack of them (`{ events: [...] }`). */
const eventsIn = (body) => (Array.isArray(body?.events) ? body.events.length : 1);
const countedEnvs = new WeakMap();

function countKv(kv) {
  return new Proxy(kv, {
    get(target, property) {
      const value = Reflect.get(target, property);
      if (typeof value !== "function") return value;
      return (...args) => {
        const call = typeof args[0] === "string" ? `${String(property)} ${args[0]}` : String(property);
        counters.kvCalls[call] = (counters.kvCalls[call] ?? 0) + 1;
        return value.apply(target, args);
      };
    },
  });
}

/**
 * With `drop`, sends are counted and then discarded: a diagnostic that separates Stylist's own work from the local
 * Queue, consumer and D1, which share workerd's one thread here but run elsewhere at the edge.
 */
function countQueue(queue, drop) {
  return {
    send(body, options) {
      counters.queueSends++;
      counters.queueMessages++;
      counters.queueEvents += eventsIn(body);
      return drop ? Promise.resolve() : queue.send(body, options);
    },
    sendBatch(messages, options) {
      counters.queueSends++;
      counters.queueMessages += messages.length;
      for (const message of messages) counters.queueEvents += eventsIn(message.body);
      return drop ? Promise.resolve() : queue.sendBatch(messages, options);
    },
  };
}

function countingEnv(env) {
  let counted = countedEnvs.get(env);
  if (!counted) {
    const drop = env.BENCH_DROP_EVENTS === "true";
    counted = { ...env, RULES: countKv(env.RULES), EVENTS: countQueue(env.EVENTS, drop) };
    countedEnvs.set(env, counted);
  }
  return counted;
}

function counterResponse(url) {
  const snapshot = JSON.stringify(counters);
  if (url.searchParams.has("reset")) {
    counters.requests = 0;
    counters.kvCalls = {};
    counters.queueSends = 0;
    counters.queueMessages = 0;
    counters.queueEvents = 0;
  }
  return new Response(snapshot, { headers: { "content-type": "application/json" } });
}

export default {
  fetch(request, env, ctx) {
    const url = new URL(request.url);
    if (url.pathname === "/__bench/counters") return counterResponse(url);
    counters.requests++;
    return stylist.fetch(request, countingEnv(env), ctx);
  },
  queue: stylist.queue,
};
