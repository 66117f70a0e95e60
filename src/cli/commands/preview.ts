import { defineCommand } from "citty";
import { createPreviewToken, PREVIEW_PARAM } from "../../core/signing/preview.ts";
import { readActive } from "../../rules/versions.ts";
import { backendArgs, withBackend } from "../backend.ts";
import { parseDuration } from "../duration.ts";
import { CLIError, EXIT } from "../errors.ts";
import { localSite } from "../local-ports.ts";
import { readProjectConfig } from "../project.ts";
import { findVisitorSecret } from "../secret.ts";

export default defineCommand({
  meta: {
    name: "preview",
    description:
      "Print a signed, expiring link that shows one arm of an experiment to whoever opens it (never logged)",
  },
  args: {
    experiment: { type: "positional", required: false, description: "Experiment id (in the active version)" },
    variant: {
      type: "positional",
      required: false,
      description: "Arm to show, e.g. control or a variant id",
    },
    qa: {
      type: "boolean",
      description:
        "A QA pass instead: the site as a visitor gets it, for headless browsers too (served as bots otherwise); never logged",
    },
    url: {
      type: "string",
      description: "Page to open (default: the experiment's first exact page on --site)",
    },
    site: {
      type: "string",
      description:
        "The storefront as visitors reach it (default: http://127.0.0.1:$PORT, 8787 without PORT, as npm start)",
    },
    ttl: {
      type: "string",
      description: "How long the link works: 30min, 4h, 2d (at most 7d)",
      default: "24h",
    },
    secret: { type: "string", description: "VISITOR_SECRET of the worker (default: env, then .dev.vars)" },
    ...backendArgs,
  },
  async run({ args }) {
    const project = await readProjectConfig(args.config);
    const secret = findVisitorSecret(args.secret, project.root);
    if (!secret)
      throw new CLIError(
        "a preview is signed with the worker's VISITOR_SECRET: pass --secret or set it",
        EXIT.invalid,
      );
    const ttl = parseDuration(args.ttl);
    if (args.qa) {
      if (args.experiment)
        throw new CLIError("--qa forces no arm: give no experiment or arm with it", EXIT.invalid);
      const token = await createPreviewToken({}, ttl, secret, Date.now());
      const link = new URL(args.url ?? "/", args.site ?? localSite());
      link.searchParams.set(PREVIEW_PARAM, token);
      console.log(link.toString());
      console.error(
        `A QA pass for ${args.ttl}: whoever opens it (a headless browser too) sees the site as one visitor would, ` +
          "with every experiment deciding as usual and the same arms on every reload. Nothing is logged or stored.",
      );
      return;
    }
    if (!args.experiment || !args.variant)
      throw new CLIError("preview needs an EXPERIMENT and an ARM (or --qa)", EXIT.invalid);
    const experiment = await withBackend(args, async (backend) => {
      const snapshot = await readActive(backend.rules);
      return snapshot?.experiments.find((candidate) => candidate.id === args.experiment);
    });
    if (!experiment)
      throw new CLIError(`"${args.experiment}" is not in the active rules; push it first`, EXIT.invalid);
    if (!experiment.variants.some((variant) => variant.id === args.variant)) {
      const arms = experiment.variants.map((variant) => variant.id).join(", ");
      throw new CLIError(
        `"${args.variant}" is not an arm of ${experiment.id}; its arms are ${arms}`,
        EXIT.invalid,
      );
    }
    const token = await createPreviewToken({ [experiment.id]: args.variant }, ttl, secret, Date.now());
    const page =
      args.url ??
      new URL(
        experiment.pages.find((pattern) => !pattern.includes("*")) ?? "/",
        args.site ?? localSite(),
      ).toString();
    const link = new URL(page);
    link.searchParams.set(PREVIEW_PARAM, token);
    console.log(link.toString());
    console.error(
      `Shows ${experiment.id} → ${args.variant} for ${args.ttl} to whoever opens it, on every page it covers. ` +
        "Previews are never logged and never change the visitor's own cookie.",
    );
  },
});
