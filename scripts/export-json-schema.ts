// Writes schema/rules.schema.json from the zod schema, the single definition of a rule file.
// `--check` fails when the committed file is stale, so CI catches a schema change without a regenerated file.
import { readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import * as z from "zod";
import { RuleFileSchema } from "../src/core/schema/rule-file.ts";

const target = fileURLToPath(new URL("../schema/rules.schema.json", import.meta.url));
const schema = z.toJSONSchema(RuleFileSchema, {
  io: "input",
  unrepresentable: "any",
  target: "draft-2020-12",
});
const text = `${JSON.stringify({ ...schema, title: "Stylist rule file" }, null, 2)}\n`;

if (process.argv.includes("--check")) {
  let committed = "";
  try {
    committed = readFileSync(target, "utf8");
  } catch {}
  if (committed !== text) {
    console.error(
      "schema/rules.schema.json is out of date with src/core/schema: run `npm run schema` and commit it.",
    );
    process.exit(1);
  }
} else {
  writeFileSync(target, text);
  console.log(`wrote ${target}`);
}
