import { escapeNonPrintable } from "../core/html/printable.ts";

/** `--json` is the interface for machines; tables are for people. */
export { textTable as table } from "../format/text-table.ts";

/**
 * Every printer of the CLI writes through the process's stdout and stderr, so this is the one place that makes what
 * they print safe for a terminal: event fields, paths, UTM values and rule text come from visitors and authors, and an
 * ESC, BEL, NUL or bidi override in them would clear, retitle or reorder the operator's screen. Each is written as a
 * visible `\uXXXX` (still the same string inside JSON). Installed once by main.ts for every command.
 */
export function escapeTerminalOutput(stream: NodeJS.WriteStream): void {
  const write = stream.write.bind(stream) as (chunk: unknown, ...rest: unknown[]) => boolean;
  stream.write = ((chunk: unknown, ...rest: unknown[]) =>
    write(typeof chunk === "string" ? escapeNonPrintable(chunk) : chunk, ...rest)) as typeof stream.write;
}

export function printJson(value: unknown): void {
  console.log(JSON.stringify(value, null, 2));
}
