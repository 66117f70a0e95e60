import { fetchOrigin } from "./origin-fetch.js";

/**
 * The fixture's ops applied straight through HTMLRewriter, one handler per op, with none of Stylist's deciding,
 * grouping, exposure tracking or templating. The gap between this and Stylist is Stylist's own JavaScript; the gap
 * between this and the floor is what the selectors and matched elements cost in any rewriter.
 */
function handlerFor(op) {
  switch (op.op) {
    case "setText":
      return (element) => element.setInnerContent(op.value, { html: false });
    case "setHtml":
      return (element) => element.setInnerContent(op.html, { html: true });
    case "append":
      return (element) => element.append(op.html, { html: true });
    case "setAttribute":
      return (element) => element.setAttribute(op.name, op.value);
    case "removeAttribute":
      return (element) => element.removeAttribute(op.name);
    case "addClass":
      return (element) => element.setAttribute("class", `${element.getAttribute("class") ?? ""} ${op.value}`);
    case "removeClass":
      return (element) =>
        element.setAttribute(
          "class",
          (element.getAttribute("class") ?? "")
            .split(/\s+/)
            .filter((name) => name !== op.value)
            .join(" "),
        );
    case "addStyle":
      return (element) => element.append(`<style>${op.css}</style>`, { html: true });
    default:
      throw new Error(`bare-ops has no handler for ${op.op}`);
  }
}

export default {
  async fetch(request, env) {
    const response = await fetchOrigin(request, env.ORIGIN_URL);
    let rewriter = new HTMLRewriter();
    for (const op of env.OPS) {
      rewriter = rewriter.on(op.op === "addStyle" ? "head" : op.selector, { element: handlerFor(op) });
    }
    return rewriter.transform(response);
  },
};
