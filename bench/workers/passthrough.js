import { fetchOrigin } from "./origin-fetch.js";

export default {
  fetch(request, env) {
    return fetchOrigin(request, env.ORIGIN_URL);
  },
};
