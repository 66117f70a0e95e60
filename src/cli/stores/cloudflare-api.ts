import { setTimeout as sleep } from "node:timers/promises";

/** A thin client for the Cloudflare v4 REST API: bearer auth, the `{ success, errors }` envelope, bounded retries. */

export const DEFAULT_API_BASE_URL = "https://api.cloudflare.com/client/v4";

const MAX_RETRIES = 3;
const MAX_RETRY_AFTER_MS = 5_000;
// A hung connection would otherwise hang the CLI forever.
const REQUEST_TIMEOUT_MS = 30_000;

export class CloudflareApiError extends Error {
  override name = "CloudflareApiError";
  /** The HTTP status, or undefined when the API could not be reached at all. */
  readonly status: number | undefined;
  constructor(message: string, status?: number) {
    super(message);
    this.status = status;
  }
}

export interface ApiErrorDetail {
  code?: number;
  message?: string;
}

export interface Envelope<T> {
  success: boolean;
  errors?: ApiErrorDetail[];
  result: T;
  result_info?: { cursor?: string; count?: number };
}

export interface ApiRequest {
  method: "GET" | "PUT" | "POST";
  /** Everything after the base URL, already percent-encoded. */
  path: string;
  query?: Record<string, string>;
  /** FormData goes as multipart; a string is sent as JSON. */
  body?: FormData | string;
  /** The token permission this call needs, named when Cloudflare answers 401 or 403. */
  permission: string;
  /** Decides whether a 404 is an answer (resolve to null) rather than a failure. */
  notFoundIsAnswer?: (errors: ApiErrorDetail[]) => boolean;
}

export interface ApiClientOptions {
  baseUrl: string;
  apiToken: string;
  fetch?: typeof fetch;
}

/** Delay before retry number `attempt` (0-based): Retry-After seconds when given, capped, else a short backoff. */
export function retryDelayMs(attempt: number, retryAfter: string | null): number {
  const seconds = retryAfter?.trim() ? Number(retryAfter) : Number.NaN;
  if (Number.isFinite(seconds) && seconds >= 0) return Math.min(seconds * 1_000, MAX_RETRY_AFTER_MS);
  return 100 * 2 ** attempt;
}

// 429 and 5xx are the API saying "not now"; anything else will fail the same way again.
const isRetryable = (status: number) => status === 429 || status >= 500;

async function readErrors(response: Response): Promise<ApiErrorDetail[]> {
  try {
    const body = (await response.json()) as { errors?: unknown };
    return Array.isArray(body.errors) ? (body.errors as ApiErrorDetail[]) : [];
  } catch {
    return [];
  }
}

function formatErrors(errors: ApiErrorDetail[]): string {
  if (errors.length === 0) return "no error details in the response";
  return errors.map((error) => `[${error.code ?? "?"}] ${error.message ?? "(no message)"}`).join("; ");
}

function causeOf(error: unknown): string {
  const cause =
    error instanceof Error ? (error.cause as { code?: string; message?: string } | undefined) : undefined;
  if (cause?.code || cause?.message) return cause.code ?? cause.message ?? "";
  return error instanceof Error ? error.message : String(error);
}

export function cloudflareClient(options: ApiClientOptions) {
  const base = options.baseUrl.replace(/\/+$/, "");
  const doFetch = options.fetch ?? fetch;
  // Belt and braces: nothing below should ever echo the token, but an error message must not be the first leak.
  const redact = (text: string) =>
    options.apiToken ? text.replaceAll(options.apiToken, "[redacted token]") : text;

  function failure(request: ApiRequest, status: number, errors: ApiErrorDetail[], attempts: number) {
    const tries = attempts > 1 ? ` after ${attempts} attempts` : "";
    let message = `Cloudflare API ${request.method} ${request.path} failed with HTTP ${status}${tries}: ${formatErrors(errors)}.`;
    if (status === 401 || status === 403) {
      message +=
        ` The API token (CLOUDFLARE_API_TOKEN) was rejected or lacks permission: it needs "${request.permission}"` +
        " on this account. Check the token's permissions and account scope in the Cloudflare dashboard.";
    }
    return new CloudflareApiError(redact(message), status);
  }

  /** The 2xx response, null for a 404 the caller accepts as an answer; throws CloudflareApiError otherwise. */
  async function send(request: ApiRequest): Promise<Response | null> {
    const query = request.query ? `?${new URLSearchParams(request.query)}` : "";
    const headers: Record<string, string> = { authorization: `Bearer ${options.apiToken}` };
    if (typeof request.body === "string") headers["content-type"] = "application/json";
    for (let attempt = 0; ; attempt++) {
      let response: Response;
      try {
        response = await doFetch(`${base}${request.path}${query}`, {
          method: request.method,
          headers,
          body: request.body ?? null,
          signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
        });
      } catch (error) {
        throw new CloudflareApiError(
          redact(
            `Could not reach the Cloudflare API at ${base} (${request.method} ${request.path}): ${causeOf(error)}.` +
              " Check the network, or CLOUDFLARE_API_BASE_URL if you set it.",
          ),
        );
      }
      if (isRetryable(response.status) && attempt < MAX_RETRIES) {
        await response.body?.cancel();
        await sleep(retryDelayMs(attempt, response.headers.get("retry-after")));
        continue;
      }
      if (response.ok) return response;
      const errors = await readErrors(response);
      if (response.status === 404 && request.notFoundIsAnswer?.(errors)) return null;
      throw failure(request, response.status, errors, attempt + 1);
    }
  }

  /** Sends a request whose answer is the JSON envelope, and insists on `success: true`. */
  async function json<T>(request: ApiRequest): Promise<Envelope<T>> {
    const response = await send(request);
    let envelope: Envelope<T> | undefined;
    try {
      envelope = (await response?.json()) as Envelope<T> | undefined;
    } catch {
      envelope = undefined;
    }
    if (!response || !envelope || typeof envelope !== "object") {
      throw new CloudflareApiError(
        redact(`Cloudflare API ${request.method} ${request.path} answered with something that is not JSON.`),
        response?.status,
      );
    }
    if (envelope.success !== true) throw failure(request, response.status, envelope.errors ?? [], 1);
    return envelope;
  }

  return { send, json };
}
