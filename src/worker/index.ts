import { app } from "./app.ts";

export { ArchiveBuffer } from "./archive-buffer.ts";

import { consumeEvents } from "./consumer.ts";
import type { Env } from "./env.ts";
import { neverSharedWithCookies } from "./response-headers.ts";
import { runScheduled } from "./scheduled.ts";

export default {
  async fetch(request: Request, env: Env, ctx: ExecutionContext) {
    return neverSharedWithCookies(await app.fetch(request, env, ctx));
  },
  queue: consumeEvents,
  scheduled: runScheduled,
} satisfies ExportedHandler<Env>;
