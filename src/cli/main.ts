import { defineCommand, runCommand, runMain } from "citty";
import { RulesError } from "../rules/versions.ts";
import { CLIError, EXIT } from "./errors.ts";
import { escapeTerminalOutput } from "./output.ts";

const main = defineCommand({
  meta: { name: "stylist", description: "Edit, ship and inspect Stylist's edge personalisation rules" },
  // Each command is loaded only when run: `validate` should not pay for wrangler, which `push` needs.
  subCommands: {
    validate: () => import("./commands/validate.ts").then((module) => module.default),
    diff: () => import("./commands/diff.ts").then((module) => module.default),
    push: () => import("./commands/push.ts").then((module) => module.default),
    pull: () => import("./commands/pull.ts").then((module) => module.default),
    list: () => import("./commands/list.ts").then((module) => module.default),
    history: () => import("./commands/history.ts").then((module) => module.default),
    rollback: () => import("./commands/rollback.ts").then((module) => module.default),
    kill: () => import("./commands/kill.ts").then((module) => module.default),
    preview: () => import("./commands/preview.ts").then((module) => module.default),
    simulate: () => import("./commands/simulate.ts").then((module) => module.default),
    events: () => import("./commands/events.ts").then((module) => module.default),
    review: () => import("./commands/review.ts").then((module) => module.default),
    catalogue: () => import("./commands/catalogue.ts").then((module) => module.default),
    report: () => import("./commands/report.ts").then((module) => module.default),
    plan: () => import("./commands/plan.ts").then((module) => module.default),
    forget: () => import("./commands/forget.ts").then((module) => module.default),
    autopilot: () => import("./commands/autopilot.ts").then((module) => module.default),
    prune: () => import("./commands/prune.ts").then((module) => module.default),
    verify: () => import("./commands/verify.ts").then((module) => module.default),
    archive: () => import("./commands/archive.ts").then((module) => module.default),
    init: () => import("./commands/init.ts").then((module) => module.default),
    doctor: () => import("./commands/doctor.ts").then((module) => module.default),
    recommend: () => import("./commands/recommend.ts").then((module) => module.default),
  },
});

const rawArgs = process.argv.slice(2);

// The only place that sets the exit code. Commands throw CLIError (a message for people) or RulesError (a refused
// rules operation); anything else is unexpected: one line, and the stack with STYLIST_DEBUG=1.
if (rawArgs.length === 0 || rawArgs.some((arg) => arg === "--help" || arg === "-h")) {
  await runMain(main, { rawArgs });
} else {
  escapeTerminalOutput(process.stdout);
  escapeTerminalOutput(process.stderr);
  try {
    await runCommand(main, { rawArgs });
  } catch (error) {
    if (error instanceof CLIError) {
      if (error.message) console.error(`stylist: ${error.message}`);
      process.exitCode = error.code;
    } else if (error instanceof RulesError) {
      console.error(`stylist: ${error.message}`);
      process.exitCode = EXIT.failed;
    } else if (error instanceof Error && "code" in error && /^E_|^EARG$/.test(String(error.code))) {
      // citty's own usage errors: an unknown command, a missing or invalid argument.
      console.error(`stylist: ${error.message} (see stylist --help)`);
      process.exitCode = EXIT.invalid;
    } else {
      // Anything else (an API refusing a request, a full disk) is still shown as one line; the stack is for
      // bug reports, with STYLIST_DEBUG=1.
      console.error(`stylist: ${error instanceof Error ? error.message : String(error)}`);
      if (process.env.STYLIST_DEBUG) console.error(error);
      process.exitCode = EXIT.failed;
    }
  }
}
