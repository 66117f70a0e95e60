// `npm start`: the sample storefront behind Stylist, with sample rules, local queue and sink, and a short tour.
import { startDemo } from "./run-demo.ts";
import { tour } from "./tour.ts";

const port = Number(process.env.PORT ?? 8787);
const originPort = Number(process.env.ORIGIN_PORT ?? 8788);
for (const [name, value] of [
  ["PORT", port],
  ["ORIGIN_PORT", originPort],
] as const) {
  if (!Number.isInteger(value) || value <= 0 || value > 65_535) {
    console.error(`${name} must be a port number, got ${JSON.stringify(process.env[name])}`);
    process.exit(1);
  }
}

const verbose = process.argv.includes("--verbose");
// `npm start -- --sink r2` (or STYLIST_SINK=r2): events go to the local R2 archive as Parquet instead of D1.
const sinkFlag = process.argv.indexOf("--sink");
const sink = sinkFlag >= 0 ? process.argv[sinkFlag + 1] : process.env.STYLIST_SINK;
if (sink !== undefined && sink !== "d1" && sink !== "r2") {
  console.error(`--sink takes d1 or r2, got ${JSON.stringify(sink)}`);
  process.exit(1);
}
console.log("Starting the Stylist demo: storefront, local D1, sample rules, worker…");
const demo = await startDemo({
  port,
  originPort,
  ...(sink ? { sink } : {}),
  log: (line) => {
    // The worker cannot fetch Request.cf data offline; wrangler says so on every start, harmlessly.
    if (verbose || (/error|✘/i.test(line) && !/Request\.cf|workers\.cloudflare\.com/.test(line)))
      process.stderr.write(line);
  },
}).catch((error: Error) => {
  console.error(`\nThe demo could not start: ${error.message}`);
  console.error(
    "Is something else using the ports? Set PORT / ORIGIN_PORT, or run `npm start -- --verbose`.",
  );
  process.exit(1);
});

console.log(tour(demo));

for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => {
    console.log("\nStopping…");
    void demo.stop().then(() => process.exit(0));
  });
}
