import * as z from "zod";
import { MIN_SECRET_LENGTH } from "../core/signing/hmac.ts";
import type { Env } from "./env.ts";
import { logFault } from "./log.ts";
import { parseOriginHeaders } from "./origin-headers.ts";
import { refreshIntervalMs } from "./rules-cache.ts";

/** A secret shorter than MIN_SECRET_LENGTH is treated as missing, never used. */
const Secret = z.string().min(MIN_SECRET_LENGTH).optional().catch(undefined);

/**
 * The worker's variables, read once per `env` object into typed settings, so each is checked one way wherever it is
 * used. Unusable values fall back (a secret to "missing", a refresh interval to its default) instead of failing:
 * the worker must still proxy the shop.
 */
const ConfigSchema = z.object({
  VISITOR_SECRET: Secret,
  SERVER_EVENTS_SECRET: Secret,
  RULES_REFRESH_SECONDS: z.string().optional().catch(undefined).transform(refreshIntervalMs),
  COMPRESSION: z
    .string()
    .optional()
    .transform((value) => value === "front-line")
    .catch(false),
  SERVER_TIMING: z
    .string()
    .optional()
    .transform((value) => value === "1")
    .catch(false),
});

export interface Config {
  /** VISITOR_SECRET when usable; undefined means every page is served as the origin sent it. */
  visitorSecret: string | undefined;
  serverEventsSecret: string | undefined;
  /** How long an isolate trusts its cached rules and catalogue. */
  refreshMs: number;
  /** Rewritten pages leave uncompressed, for Cloudflare's front line to compress (docs/architecture.md#compression). */
  frontLineCompression: boolean;
  serverTiming: boolean;
  /** ORIGIN_HEADERS, parsed: set on every origin request, over any header of that name the visitor sent. */
  originHeaders: ReadonlyArray<readonly [string, string]>;
}

const parsed = new WeakMap<object, Config>();

export function configOf(env: Env): Config {
  let config = parsed.get(env);
  if (!config) {
    const read = ConfigSchema.parse(env);
    const origin = parseOriginHeaders(
      typeof env.ORIGIN_HEADERS === "string" ? env.ORIGIN_HEADERS : undefined,
    );
    // Named by line only: the lines hold secrets.
    if (origin.invalidLines.length > 0)
      logFault(
        "origin_headers_invalid",
        "ORIGIN_HEADERS has lines that are not `Name: value`; they are not sent",
        {
          lines: origin.invalidLines,
        },
      );
    config = {
      visitorSecret: read.VISITOR_SECRET,
      serverEventsSecret: read.SERVER_EVENTS_SECRET,
      refreshMs: read.RULES_REFRESH_SECONDS,
      frontLineCompression: read.COMPRESSION,
      serverTiming: read.SERVER_TIMING,
      originHeaders: origin.headers,
    };
    parsed.set(env, config);
  }
  return config;
}

/** A page view cannot identify anyone without VISITOR_SECRET: logged as `secret_missing`, the origin page served. */
export class SecretMissing extends Error {
  override name = "SecretMissing";
  constructor() {
    super(`VISITOR_SECRET is missing or shorter than ${MIN_SECRET_LENGTH} characters`);
  }
}
