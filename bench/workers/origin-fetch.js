/** The same origin request for every baseline worker: path and query on ORIGIN_URL, the visitor's headers. */
export function fetchOrigin(request, originUrl) {
  const url = new URL(request.url);
  return fetch(new URL(url.pathname + url.search, originUrl), {
    method: request.method,
    headers: request.headers,
    body: request.body,
    redirect: "manual",
  });
}
