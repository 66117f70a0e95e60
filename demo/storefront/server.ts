import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { basketTotals, sampleBasket } from "./basket-contents.ts";
import { shopCustomerCookieValue, stylistVisitorId } from "./customer-cookie.ts";
import { respond } from "./respond.ts";
import { route } from "./routes.ts";

/** What the shop's backend tells its analytics when something happens, with the request's cookies. */
export interface ShopEvent {
  goal: "add_to_basket" | "purchase";
  cookieHeader: string | undefined;
  value?: number;
  currency?: string;
  orderId?: string;
  /** Catalogue slugs bought, for recommendations. */
  products?: string[];
}

export interface StorefrontOptions {
  /** 0 picks a free port, which is what tests should use. Default 8788. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /**
   * Called by the shop's backend for basket adds and orders, the way a real shop reports revenue server to server
   * (the source of truth). It must not fail the page, so errors are logged and dropped.
   */
  reportEvent?: (event: ShopEvent) => Promise<void>;
  /** Receives the autopilot's webhook alerts (POST ALERTS_PATH, Slack-compatible `{ text }`); the demo prints them. */
  onAlert?: (text: string) => void;
  /**
   * The secret Stylist's `settings.customer.secretVar` names. With it, a completed order makes the visitor a customer:
   * the shop sets `fs_customer`, signed for that visitor's Stylist id and for 30 days (customer-cookie.ts).
   */
  customerSecret?: string;
}

const CUSTOMER_DAYS = 30;

/** The signed customer cookie for a visitor who has just ordered, if the shop signs one and knows the visitor. */
function customerCookieAfterOrder(req: IncomingMessage, secret: string | undefined): string | undefined {
  const visitor = stylistVisitorId(req.headers.cookie);
  if (!secret || !visitor || req.method !== "POST" || req.url !== "/checkout") return undefined;
  const expires = Math.floor(Date.now() / 1000) + CUSTOMER_DAYS * 86_400;
  const value = shopCustomerCookieValue("1", visitor, expires, secret);
  return `fs_customer=${value}; Path=/; Max-Age=${CUSTOMER_DAYS * 86_400}; HttpOnly; SameSite=Lax`;
}

/** Where the demo points the autopilot's alert webhook. */
export const ALERTS_PATH = "/__stylist/alerts";

export interface Storefront {
  /** Origin without a trailing slash, e.g. "http://127.0.0.1:8788". */
  url: string;
  port: number;
  close(): Promise<void>;
}

let orderSequence = 0;

function shopEventFor(req: IncomingMessage): ShopEvent | undefined {
  if (req.method !== "POST") return undefined;
  const cookieHeader = req.headers.cookie;
  if (req.url === "/basket") return { goal: "add_to_basket", cookieHeader };
  if (req.url === "/checkout") {
    orderSequence += 1;
    const totals = basketTotals(sampleBasket());
    const orderId = `FS-${Date.now().toString(36).toUpperCase()}-${orderSequence}`;
    const products = sampleBasket().map((line) => line.product.slug);
    return { goal: "purchase", cookieHeader, value: totals.total, currency: "GBP", orderId, products };
  }
  return undefined;
}

async function receiveAlert(req: IncomingMessage, res: ServerResponse, onAlert: (text: string) => void) {
  let body = "";
  for await (const chunk of req) body += chunk;
  try {
    const { text } = JSON.parse(body) as { text?: unknown };
    onAlert(typeof text === "string" ? text : body);
  } catch {
    onAlert(body);
  }
  res.writeHead(204).end();
}

async function handle(req: IncomingMessage, res: ServerResponse, options: StorefrontOptions): Promise<void> {
  if (options.onAlert && req.method === "POST" && req.url === ALERTS_PATH)
    return receiveAlert(req, res, options.onAlert);
  const event = options.reportEvent ? shopEventFor(req) : undefined;
  if (event && options.reportEvent) await options.reportEvent(event).catch((error) => console.error(error));
  // No route reads a request body; draining it keeps keep-alive connections usable.
  req.resume();
  try {
    const customer = customerCookieAfterOrder(req, options.customerSecret);
    if (customer) res.setHeader("Set-Cookie", customer);
    await respond(req, res, route(req.method ?? "GET", req.url ?? "/"));
  } catch (error) {
    if (res.headersSent) {
      res.destroy(error instanceof Error ? error : undefined);
      return;
    }
    res.writeHead(500, { "Content-Type": "text/plain; charset=utf-8", "Cache-Control": "no-store" });
    res.end("Internal Server Error\n");
    console.error(error);
  }
}

export function startStorefront(options: StorefrontOptions = {}): Promise<Storefront> {
  const port = options.port ?? 8788;
  const host = options.host ?? "127.0.0.1";
  const server = createServer((req, res) => {
    void handle(req, res, options);
  });

  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      server.off("error", reject);
      const address = server.address() as AddressInfo;
      const hostPart = address.family === "IPv6" ? `[${address.address}]` : address.address;
      resolve({
        url: `http://${hostPart}:${address.port}`,
        port: address.port,
        close: () =>
          new Promise<void>((done, fail) => {
            server.close((error) => (error ? fail(error) : done()));
            // Keep-alive sockets and paced (/slow) responses would otherwise hold close() open.
            server.closeAllConnections();
          }),
      });
    });
  });
}
