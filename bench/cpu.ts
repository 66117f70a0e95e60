import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";

let ticksPerSecond: number | undefined;

function clockTicks(): number {
  if (ticksPerSecond === undefined) {
    try {
      ticksPerSecond = Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim()) || 100;
    } catch {
      ticksPerSecond = 100;
    }
  }
  return ticksPerSecond;
}

/**
 * CPU seconds (user + system, all threads) a process has used so far, from /proc (Linux only). On a shared machine
 * other processes take cores away unevenly, which moves throughput a lot but CPU time per request much less.
 */
export function cpuSeconds(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // Fields after the parenthesised command name; utime and stime are the 14th and 15th fields overall.
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return (Number(fields[11]) + Number(fields[12])) / clockTicks();
  } catch {
    return undefined;
  }
}

/** The workerd process Miniflare started for us: our child named `workerd`. */
export function childPid(name: string): number | undefined {
  try {
    const lines = execFileSync("ps", ["--ppid", String(process.pid), "-o", "pid=,comm="], {
      encoding: "utf8",
    });
    for (const line of lines.split("\n")) {
      const [pid, comm] = line.trim().split(/\s+/);
      if (comm === name) return Number(pid);
    }
  } catch {
    // ps unavailable: CPU figures are simply left out.
  }
  return undefined;
}

/**
 * The same from the scheduler's own accounting (/proc/<pid>/task/<tid>/schedstat, nanoseconds, every thread): the
 * clock-tick counters above move in 10 ms steps, too coarse for turns of a few hundred requests.
 */
export function schedCpuSeconds(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    let nanos = 0;
    for (const tid of readdirSync(`/proc/${pid}/task`))
      nanos += Number(readFileSync(`/proc/${pid}/task/${tid}/schedstat`, "utf8").split(" ")[0]);
    return nanos / 1e9;
  } catch {
    return cpuSeconds(pid);
  }
}
