import { ensureDevSecrets } from "../../demo/run-demo.ts";

/** Writes .dev.vars once, before any end-to-end file starts a worker or runs the CLI that reads it. */
export default function setup() {
  ensureDevSecrets();
}
