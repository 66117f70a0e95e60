// Prints vitest's JSON report as one plain line, "N passed, N failed, N skipped", for CI logs.
import { readFileSync } from "node:fs";

const report = JSON.parse(readFileSync(process.argv[2] ?? ".tmp/vitest-results.json", "utf8"));
const skipped = report.numPendingTests + report.numTodoTests;
console.log(
  `${report.numPassedTests} passed, ${report.numFailedTests} failed${skipped ? `, ${skipped} skipped` : ""}`,
);
if (report.numTotalTests === 0) process.exitCode = 1;
