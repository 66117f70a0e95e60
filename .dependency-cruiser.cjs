/**
 * The boundaries between Stylist's parts, checked by `npm run deps` (part of `npm run check`). The pure core is
 * shared by the worker and the CLI, so it depends on neither; the worker ships to the edge, so it carries nothing
 * of the CLI, the report or the rule-file tooling. See docs/architecture.md#module-map.
 */
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: "no-circular",
      severity: "error",
      comment: "A cycle (types included) means two modules are one concept or one is in the wrong place.",
      from: {},
      to: { circular: true },
    },
    {
      name: "core-is-pure",
      severity: "error",
      comment:
        "src/core is plain data in, plain data out: no worker, CLI, report, rule tooling, render or sink code.",
      from: { path: "^src/core/" },
      to: { path: "^src/(worker|cli|report|rules|render|sink|stats|format)/" },
    },
    {
      name: "core-has-no-node-builtins",
      severity: "error",
      comment: "The core runs in workerd as well as in Node.",
      from: { path: "^src/(core|render)/" },
      to: { dependencyTypes: ["core"] },
    },
    {
      name: "worker-ships-no-tooling",
      severity: "error",
      comment:
        "The worker bundle carries nothing of the CLI, the report or the rule-file tooling. The versioned rule store " +
        "(store, versions, phases) is the exception: the autopilot's scheduled handler writes versions as a person does.",
      from: { path: "^src/worker/" },
      to: {
        path: "^src/(cli|report|rules|stats|format)/",
        pathNot: "^src/rules/(store|versions|phases)[.]ts$",
      },
    },
    {
      name: "no-account-tooling-at-the-edge",
      severity: "error",
      comment:
        "The Cloudflare SDK and the TOML editor are for the CLI's account and project work; the worker bundle and the code it ships must never carry them.",
      from: { path: "^src/(worker|core|render|sink)/" },
      to: { path: "node_modules/(cloudflare|@decimalturn/toml-patch)/" },
    },
    {
      name: "render-is-below-worker-and-cli",
      severity: "error",
      from: { path: "^src/render/" },
      to: { path: "^src/(worker|cli|report|rules)/" },
    },
    {
      name: "libraries-do-not-reach-into-the-cli",
      severity: "error",
      comment: "report, rules, stats, sink and format are libraries the CLI uses, never the other way round.",
      from: { path: "^src/(report|rules|stats|sink|format)/" },
      to: { path: "^src/(cli|worker)/" },
    },
    {
      name: "cli-output-is-not-the-report",
      severity: "error",
      comment: "The CLI's generic output helpers must not depend on the report package.",
      from: { path: "^src/cli/output\\.ts$" },
      to: { path: "^src/report/" },
    },
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.node.json" },
    // node_modules stay in the graph as leaves (not followed), so rules can name packages the edge must not carry.
    exclude: { path: "^\\.tmp" },
  },
};
