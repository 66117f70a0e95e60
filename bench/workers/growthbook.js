import { handleRequest } from "@growthbook/edge-cloudflare";

/**
 * GrowthBook's edge app as its README and example wire it (`handleRequest(request, env)`), with one change: the
 * payload is passed as a config override, parsed once per isolate, instead of fetched from GrowthBook's API or
 * read from KV on each request. Everything else (attributes, assignment, buffering, DOM parse) is theirs.
 */
let payload;

export default {
  fetch(request, env) {
    payload ??= JSON.parse(env.BENCH_GB_PAYLOAD);
    return handleRequest(request, env, { payload });
  },
};
