import { resolve } from "node:path";
import { defineCommand } from "citty";
import { streamSchema } from "../../sink/pipelines-sink.ts";
import { compactArchive, pullArchive } from "../archive/maintenance.ts";
import { archiveOf } from "../archive/sink-choice.ts";
import { directoryStore } from "../archive/store.ts";
import { backendArgs, withBackend } from "../backend.ts";
import { CLIError, EXIT } from "../errors.ts";
import { printJson } from "../output.ts";

const dirArg = {
  dir: {
    type: "string",
    description: "Work on a local copy of the archive in this directory instead of the R2 bucket",
  },
} as const;

const compact = defineCommand({
  meta: {
    name: "compact",
    description:
      "Merge each day's small Parquet files (one per consumer batch) into one zstd file per day and type",
  },
  args: {
    before: {
      type: "string",
      description:
        "Only days before this one (YYYY-MM-DD), e.g. today's date to leave the day still being written",
    },
    ...dirArg,
    ...backendArgs,
  },
  async run({ args }) {
    if (args.before !== undefined && !/^\d{4}-\d{2}-\d{2}$/.test(args.before))
      throw new CLIError("--before takes a day, YYYY-MM-DD", EXIT.invalid);
    const options = args.before ? { before: args.before } : {};
    const result = args.dir
      ? await compactArchive(directoryStore(resolve(args.dir)), options)
      : await withBackend(args, (backend) => compactArchive(archiveOf(backend), options));
    console.log(
      `compacted ${result.partitions} partition(s): ${result.filesBefore} file(s) → ${result.filesAfter}, ${result.events} event(s)`,
    );
  },
});

const pull = defineCommand({
  meta: {
    name: "pull",
    description: "Copy the R2 archive's Parquet files into a directory, for DuckDB or `report --events DIR`",
  },
  args: {
    out: { type: "string", description: "Directory to write into", default: "archive" },
    ...backendArgs,
  },
  async run({ args }) {
    const out = resolve(args.out);
    const files = await withBackend(args, (backend) => pullArchive(archiveOf(backend), out));
    console.log(
      `copied ${files} file(s) into ${out}; e.g. npx stylist report --events '${args.out}/**/*.parquet'`,
    );
  },
});

const schema = defineCommand({
  meta: {
    name: "stream-schema",
    description: "Print the Pipelines stream schema (for `wrangler pipelines streams create --schema-file`)",
  },
  run() {
    printJson(streamSchema());
  },
});

export default defineCommand({
  meta: {
    name: "archive",
    description: "The R2 Parquet archive: compact, pull, and the Pipelines stream schema",
  },
  subCommands: { compact, pull, "stream-schema": schema },
});
