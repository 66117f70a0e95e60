import { defineCommand, runCommand, runMain } from "citty";
import { RulesError } from "../rules/versions.ts";
import catalogue from "./commands/catalogue.ts";
import diff from "./commands/diff.ts";
import events from "./commands/events.ts";
import history from "./commands/history.ts";
import kill from "./commands/kill.ts";
import list from "./commands/list.ts";
import preview from "./commands/preview.ts";
import pull from "./commands/pull.ts";
import push from "./commands/push.ts";
import review from "./commands/review.ts";
import rollback from "./commands/rollback.ts";
import simulate from "./commands/simulate.ts";
import validate from "./commands/validate.ts";
import { CLIError, EXIT } from "./errors.ts";

const main = defineCommand({
  meta: { name: "stylist", description: "Edit, ship and inspect Stylist's edge personalisation rules" },
  subCommands: {
    validate,
    diff,
    push,
    pull,
    list,
    history,
    rollback,
    kill,
    preview,
    simulate,
    events,
    review,
    catalogue,
    report: () => import("./commands/report.ts").then((module) => module.default),
    plan: () => import("./commands/plan.ts").then((module) => module.default),
  },
});

const rawArgs = process.argv.slice(2);

// The only place that sets the exit code. Commands throw CLIError (a message for people) or RulesError (a refused
// rules operation); anything else is unexpected and is shown with its stack so it can be reported.
if (rawArgs.length === 0 || rawArgs.some((arg) => arg === "--help" || arg === "-h")) {
  await runMain(main, { rawArgs });
} else {
  try {
    await runCommand(main, { rawArgs });
  } catch (error) {
    if (error instanceof CLIError) {
      if (error.message) console.error(`stylist: ${error.message}`);
      process.exitCode = error.code;
    } else if (error instanceof RulesError) {
      console.error(`stylist: ${error.message}`);
      process.exitCode = EXIT.failed;
    } else if (error instanceof Error && "code" in error && String(error.code).startsWith("E_")) {
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
