import { resolve } from "node:path";
import { type CompiledExperiment, compileRules } from "../../core/decide/compile.ts";
import type { Experiment } from "../../core/schema/experiment.ts";
import { readActive } from "../../rules/versions.ts";
import { type BackendFlags, withBackend } from "../backend.ts";
import { CLIError, EXIT } from "../errors.ts";
import { loadValidRules } from "../load-rules.ts";
import { readRuleFiles } from "../rule-files.ts";

export interface LocatedExperiment {
  compiled: CompiledExperiment;
  /** Where a person finds it: `rules/home.json: experiments[0]` or `active version 7: experiments[3]`. */
  where: string;
}

/** Where each experiment id sits in the rule files, for messages that name the file and path. */
function locateInFiles(dir: string): Map<string, string> {
  const places = new Map<string, string>();
  for (const source of readRuleFiles(resolve(dir), process.cwd())) {
    const parsed = JSON.parse(source.text) as { experiments?: Array<{ id?: unknown }> };
    parsed.experiments?.forEach((experiment, index) => {
      if (typeof experiment.id === "string")
        places.set(experiment.id, `${source.file}: experiments[${index}]`);
    });
  }
  return places;
}

/**
 * Every experiment of the rule files (validated first, as `validate` does) or of the active version, whatever its
 * status: a draft is worth verifying before it goes live, and a killed one before it is revived.
 */
export async function loadExperiments(
  source: string,
  dir: string,
  flags: BackendFlags,
): Promise<{ experiments: LocatedExperiment[]; label: string }> {
  let experiments: Experiment[];
  let where: (experiment: Experiment, index: number) => string;
  let label: string;
  if (source === "files") {
    experiments = loadValidRules(dir).experiments;
    const places = locateInFiles(dir);
    where = (experiment, index) => places.get(experiment.id) ?? `experiments[${index}]`;
    label = `${dir}/ (not pushed)`;
  } else if (source === "active") {
    const snapshot = await withBackend(flags, (backend) => readActive(backend.rules));
    if (!snapshot)
      throw new CLIError("nothing has been pushed yet; verify --rules files instead", EXIT.failed);
    experiments = snapshot.experiments;
    where = (_, index) => `active version ${snapshot.version}: experiments[${index}]`;
    label = `active version ${snapshot.version}`;
  } else throw new CLIError(`--rules takes files or active, not "${source}"`, EXIT.invalid);
  const compiled = compileRules({ version: 0, experiments, killed: [] });
  return {
    label,
    experiments: experiments.map((experiment, index) => ({
      compiled: compiled.byId.get(experiment.id) as CompiledExperiment,
      where: where(experiment, index),
    })),
  };
}
