import { app } from "./app.ts";
import { consumeEvents } from "./consumer.ts";
import type { Env } from "./env.ts";
import { neverSharedWithCookies } from "./response-headers.ts";

export default {
  async fetch(request: Request, env: Env, ctx: ExecutionContext) {
    return neverSharedWithCookies(await app.fetch(request, env, ctx));
  },
  queue: consumeEvents,
} satisfies ExportedHandler<Env>;
