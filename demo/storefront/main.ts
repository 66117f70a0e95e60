// CLI entry: `node demo/storefront/main.ts` (Node 24 strips the types itself).
import { startStorefront } from "./server.ts";

const port = Number(process.env.PORT ?? 8788);
const host = process.env.HOST ?? "127.0.0.1";
if (!Number.isInteger(port) || port < 0 || port > 65_535) {
  console.error(`PORT must be an integer from 0 to 65535, got ${JSON.stringify(process.env.PORT)}`);
  process.exit(1);
}

const storefront = await startStorefront({ port, host });
console.log(`Fellside Outdoor demo storefront listening on ${storefront.url}`);

for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => {
    void storefront.close().then(() => process.exit(0));
  });
}
