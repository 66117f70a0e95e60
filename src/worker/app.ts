import { Hono } from "hono";
import type { Env } from "./env.ts";
import { browserEvent, serverEvent } from "./event-endpoints.ts";
import { handlePage } from "./handle-page.ts";
import { object, why } from "./why.ts";

/** Stylist's own endpoints live under /_stylist/; every other path belongs to the storefront. */
export const app = new Hono<{ Bindings: Env }>();

app.get("/_stylist/health", (c) => c.json({ ok: true }));
app.post("/_stylist/event", browserEvent);
app.post("/_stylist/event/server", serverEvent);
app.get("/_stylist/why", why);
app.post("/_stylist/why/object", object);
app.all("/_stylist/*", (c) => c.json({ error: "not found" }, 404));
app.all("*", (c) => handlePage(c.req.raw, c.env, c.executionCtx));
