import { readFileSync } from "node:fs";
import { loadavg } from "node:os";

export interface Background {
  /** Share of all cores busy while the benchmark itself was idle, sampled just before it started (Linux only). */
  busyShareBeforeRun: number | null;
  loadAverageAtStart: number;
  loadAverageAtEnd?: number;
}

function cpuTotals(): { busy: number; total: number } | undefined {
  try {
    const line = readFileSync("/proc/stat", "utf8").split("\n")[0] ?? "";
    const fields = line.trim().split(/\s+/).slice(1).map(Number);
    const idle = (fields[3] ?? 0) + (fields[4] ?? 0);
    const total = fields.reduce((sum, value) => sum + value, 0);
    return { busy: total - idle, total };
  } catch {
    return undefined;
  }
}

/**
 * How busy the machine is without us. A shared development machine (other test runs, editors, builds) steals
 * cores from the contestants unevenly; the figure goes into results.json so a noisy run can be recognised.
 */
export async function sampleBackground(ms = 2_000): Promise<Background> {
  const before = cpuTotals();
  await new Promise((resolve) => setTimeout(resolve, ms));
  const after = cpuTotals();
  const busyShareBeforeRun =
    before && after && after.total > before.total
      ? Math.round(((after.busy - before.busy) / (after.total - before.total)) * 100) / 100
      : null;
  return { busyShareBeforeRun, loadAverageAtStart: Math.round((loadavg()[0] ?? 0) * 100) / 100 };
}

export function finishBackground(background: Background): Background {
  return { ...background, loadAverageAtEnd: Math.round((loadavg()[0] ?? 0) * 100) / 100 };
}
