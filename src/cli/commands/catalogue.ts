import { readFileSync } from "node:fs";
import { defineCommand } from "citty";
import { CATALOGUE_KEY, CatalogueSchema } from "../../core/schema/catalogue.ts";
import { formatProblem, problemsFromZod } from "../../rules/issues.ts";
import { backendArgs, withBackend } from "../backend.ts";
import { CLIError, EXIT } from "../errors.ts";

/** Reads and validates a catalogue file; every problem names its path (products[3].price). */
export function readCatalogueFile(file: string) {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, "utf8"));
  } catch (error) {
    throw new CLIError(`${file}: ${(error as Error).message}`, EXIT.invalid);
  }
  const parsed = CatalogueSchema.safeParse(json);
  if (!parsed.success) {
    throw new CLIError(problemsFromZod(file, parsed.error, json).map(formatProblem).join("\n"), EXIT.invalid);
  }
  return parsed.data;
}

export default defineCommand({
  meta: {
    name: "catalogue",
    description: "Store the product catalogue that product-list ops and product pages' categories use",
  },
  args: {
    file: {
      type: "positional",
      required: true,
      description: 'JSON: { "products": [{ slug, name, url, price, currency, category, image? }] }',
    },
    ...backendArgs,
  },
  async run({ args }) {
    const catalogue = readCatalogueFile(args.file);
    await withBackend(args, async (backend) => {
      await backend.rules.put(CATALOGUE_KEY, JSON.stringify(catalogue));
      console.log(
        `stored ${catalogue.products.length} products (${backend.mode}); workers pick it up within RULES_REFRESH_SECONDS`,
      );
    });
  },
});
