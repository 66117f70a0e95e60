import fc from "fast-check";

/**
 * Pages as real sites write them: optional end tags left out (runs of list items, definition terms and paragraphs,
 * a paragraph inside an unclosed item), blocks after unclosed paragraphs, templates, inline SVG titles, comments and
 * non-ASCII text. Exactly one element (or none) carries class `t`, the target of the generated op.
 */
type Node =
  | { kind: "text"; text: string }
  | { kind: "comment" }
  | { kind: "element"; tag: string; close: boolean; children: Node[]; target?: boolean };

const text = fc.constantFrom("Alpha", "Beta £5", "café", "x & y", " ", "Ωmega");
const leaf: fc.Arbitrary<Node> = fc.oneof(
  text.map((value) => ({ kind: "text" as const, text: value })),
  fc.constant({ kind: "comment" as const }),
);

/** What a list item holds: text, or a paragraph whose end tag may be left out too. */
const itemChild: fc.Arbitrary<Node> = fc.oneof(
  leaf,
  fc
    .record({ close: fc.boolean(), children: fc.array(leaf, { maxLength: 2 }) })
    .map(({ close, children }) => ({ kind: "element" as const, tag: "p", close, children })),
);

const { node } = fc.letrec<{ node: Node }>((tie) => ({
  node: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    leaf,
    fc
      .record({
        tag: fc.constantFrom("div", "section", "span", "b", "h2"),
        children: fc.array(tie("node"), { maxLength: 3 }),
      })
      .map(({ tag, children }) => ({ kind: "element" as const, tag, close: true, children })),
    fc
      .record({
        tag: fc.constantFrom("p", "dd", "td"),
        close: fc.boolean(),
        children: fc.array(leaf, { maxLength: 2 }),
      })
      .map(({ tag, close, children }) => ({ kind: "element" as const, tag, close, children })),
    fc
      .array(fc.record({ close: fc.boolean(), children: fc.array(itemChild, { maxLength: 2 }) }), {
        minLength: 1,
        maxLength: 3,
      })
      .map((items) => ({
        kind: "element" as const,
        tag: "ul",
        close: true,
        children: items.map((item) => ({ kind: "element" as const, tag: "li", ...item })),
      })),
    fc
      .array(
        fc.record({
          tag: fc.constantFrom("dt", "dd"),
          close: fc.boolean(),
          children: fc.array(leaf, { maxLength: 2 }),
        }),
        { minLength: 1, maxLength: 3 },
      )
      .map((items) => ({
        kind: "element" as const,
        tag: "dl",
        close: true,
        children: items.map((item) => ({ kind: "element" as const, ...item })),
      })),
    fc
      .array(tie("node"), { maxLength: 2 })
      .map((children) => ({ kind: "element" as const, tag: "template", close: true, children })),
  ),
}));

/** Items that need a parent of their own kind are wrapped in one (ul, dl, table). */
const WRAPPER: Record<string, [string, string]> = {
  dd: ["<dl>", "</dl>"],
  td: ["<table><tr>", "</table>"],
};

function serialize(nodes: Node[]): string {
  return nodes
    .map((item) => {
      if (item.kind === "text") return item.text.replace("&", "&amp;");
      if (item.kind === "comment") return "<!-- c -->";
      const attributes = item.target ? ' class="t"' : "";
      const inner = `<${item.tag}${attributes}>${serialize(item.children)}${item.close ? `</${item.tag}>` : ""}`;
      const wrapper = WRAPPER[item.tag];
      return wrapper ? `${wrapper[0]}${inner}${wrapper[1]}` : inner;
    })
    .join("");
}

function elements(nodes: Node[], inTemplate: boolean, into: Array<{ node: Node; inTemplate: boolean }>) {
  for (const item of nodes) {
    if (item.kind !== "element") continue;
    into.push({ node: item, inTemplate });
    elements(item.children, inTemplate || item.tag === "template", into);
  }
  return into;
}

export interface GeneratedPage {
  html: string;
  /** The target is inside a template: the browser's selectors do not reach it. */
  targetInTemplate: boolean;
}

export const page: fc.Arbitrary<GeneratedPage> = fc
  .record({
    body: fc.array(node, { minLength: 1, maxLength: 5 }),
    pick: fc.nat(),
    closeHead: fc.boolean(),
    closeBody: fc.boolean(),
    svg: fc.boolean(),
  })
  .map(({ body, pick, closeHead, closeBody, svg }) => {
    const copy = structuredClone(body);
    const candidates = elements(copy, false, []).filter(
      ({ node: item }) => item.kind === "element" && item.tag !== "template",
    );
    const chosen = candidates.length > 0 ? candidates[pick % candidates.length] : undefined;
    if (chosen && chosen.node.kind === "element") chosen.node.target = true;
    const html = `<!doctype html><html><head><meta charset="utf-8"><title>Shop</title>${closeHead ? "</head>" : ""}<body>${svg ? "<svg><title>icon</title></svg>" : ""}${serialize(copy)}${closeBody ? "</body></html>" : ""}`;
    return { html, targetInTemplate: chosen?.inTemplate ?? false };
  });
