import { app } from "./app.ts";
import { consumeEvents } from "./consumer.ts";
import type { Env } from "./env.ts";

export default {
  fetch: app.fetch,
  queue: consumeEvents,
} satisfies ExportedHandler<Env>;
