import { app } from "./app.ts";
import { consumeEvents } from "./consumer.ts";
import type { Env } from "./env.ts";
import { runScheduled } from "./scheduled.ts";

export default {
  fetch: app.fetch,
  queue: consumeEvents,
  scheduled: runScheduled,
} satisfies ExportedHandler<Env>;
