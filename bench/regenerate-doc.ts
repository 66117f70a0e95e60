// `node bench/regenerate-doc.ts`: rewrites the tables in docs/benchmarks.md from bench/results.json without
// re-running the benchmark, e.g. after editing the hand-written parts of the doc or the report's layout.
import { readResults, updateDoc } from "./report.ts";

updateDoc(readResults());
console.log("docs/benchmarks.md regenerated from bench/results.json");
