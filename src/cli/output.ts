/** `--json` is the interface for machines; tables are for people. */
export { textTable as table } from "../format/text-table.ts";

export function printJson(value: unknown): void {
  console.log(JSON.stringify(value, null, 2));
}
