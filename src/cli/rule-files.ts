import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import type { RuleSource } from "../rules/validate.ts";
import { CLIError, EXIT } from "./errors.ts";

/** Every `*.json` rule file under `dir` (recursively), in a stable order, named relative to `cwd` for messages. */
export function readRuleFiles(dir: string, cwd: string): RuleSource[] {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) {
    throw new CLIError(`no rules directory at ${dir}; pass --dir`, EXIT.invalid);
  }
  const files: string[] = [];
  const walk = (folder: string) => {
    for (const entry of readdirSync(folder, { withFileTypes: true }).sort((a, b) =>
      a.name.localeCompare(b.name),
    )) {
      const path = join(folder, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.name.endsWith(".json")) files.push(path);
    }
  };
  walk(dir);
  if (files.length === 0) throw new CLIError(`no *.json rule files in ${dir}`, EXIT.invalid);
  const name = (file: string) => {
    const local = relative(cwd, file);
    return local && !local.startsWith("..") ? local : file;
  };
  return files.map((file) => ({ file: name(file), text: readFileSync(file, "utf8") }));
}
