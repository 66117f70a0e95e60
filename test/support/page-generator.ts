import fc from "fast-check";

/**
 * Pages as real sites write them: optional end tags left out (runs of list items, definition terms and paragraphs,
 * a paragraph inside an unclosed item), blocks after unclosed paragraphs, inline elements holding a block left open
 * or left open around one (invalid, and common), templates, inline SVG titles, comments and non-ASCII text. Exactly one element (or none) carries class `t`, the target of the generated op.
 */
type Node =
  | { kind: "text"; text: string }
  | { kind: "comment"; text?: string }
  /** Markup as written: character references. */
  | { kind: "raw"; html: string }
  | {
      kind: "element";
      tag: string;
      close: boolean;
      children: Node[];
      target?: boolean;
      /** In a table of its own already: not wrapped in one (WRAPPER). */
      bare?: boolean;
      /** Attributes as written, before the target's class. */
      attributes?: string;
    };

/** Attributes real pages carry: ids, quoted and unquoted values, character references, `>` inside a value. */
const ATTRIBUTES = [
  "",
  "",
  ' id="main"',
  " data-x=1",
  ' title="a > b"',
  ' data-note="x &amp; y &quot;q&quot;"',
  " hidden",
];

/** Elements that are never the target: what an op puts in or beside them, the parser moves (tables, select). */
const NOT_TARGETS = new Set(["template", "table", "tbody", "tr", "select"]);

/**
 * Formatting elements are always closed: one left open at its parent's end tag (`<div><b>a</div>`) is reopened by the
 * parser around every later run of text on the page, inserted text included, which the renderer does not follow
 * (docs/architecture.md, "What is still refused or not followed").
 */
const FORMATTING = new Set(["b", "a", "em"]);

/** The element trees of pages whose text is drawn from `texts`. */
function treesOf(texts: readonly string[]): fc.Arbitrary<Node> {
  const leaf: fc.Arbitrary<Node> = fc.oneof(
    fc.constantFrom(...texts).map((value) => ({ kind: "text" as const, text: value })),
    fc.constantFrom(" c ", "", " <p>x</p> ").map((text) => ({ kind: "comment" as const, text })),
    fc
      .constantFrom("&nbsp;", "&lt;b&gt;", "&copy; 2024", "&#x2F;", "a&amp;b")
      .map((html) => ({ kind: "raw" as const, html })),
  );

  /** A table, with optional end tags for cells and rows and an optional explicit `<tbody>`. */
  const cell = fc
    .record({
      tag: fc.constantFrom("td", "th"),
      close: fc.boolean(),
      children: fc.array(leaf, { maxLength: 2 }),
    })
    .map((item) => ({ kind: "element" as const, bare: true, ...item }));
  const table = fc
    .record({
      body: fc.boolean(),
      rows: fc.array(
        fc.record({ close: fc.boolean(), cells: fc.array(cell, { minLength: 1, maxLength: 3 }) }),
        { minLength: 1, maxLength: 3 },
      ),
    })
    .map(({ body, rows }) => {
      const trs = rows.map(({ close, cells }) => ({
        kind: "element" as const,
        tag: "tr",
        close,
        children: cells as Node[],
      }));
      return {
        kind: "element" as const,
        tag: "table",
        close: true,
        children: body ? [{ kind: "element" as const, tag: "tbody", close: true, children: trs }] : trs,
      };
    });

  /** A `<select>` with options whose end tags may be left out. */
  const select = fc
    .array(fc.record({ close: fc.boolean(), text: fc.constantFrom(...texts) }), {
      minLength: 1,
      maxLength: 3,
    })
    .map((options) => ({
      kind: "element" as const,
      tag: "select",
      close: true,
      children: options.map(({ close, text }) => ({
        kind: "element" as const,
        tag: "option",
        close,
        children: [{ kind: "text" as const, text }],
      })),
    }));

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
          tag: fc.constantFrom("div", "section", "span", "b", "h2", "h1", "h3"),
          children: fc.array(tie("node"), { maxLength: 3 }),
          // An end tag forgotten (invalid, and common): most elements are closed. Not a formatting element's (FORMATTING).
          close: fc.oneof(
            { weight: 4, arbitrary: fc.constant(true) },
            { weight: 1, arbitrary: fc.constant(false) },
          ),
        })
        .map(({ tag, children, close }) => ({
          kind: "element" as const,
          tag,
          close: close || FORMATTING.has(tag),
          children,
        })),
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
      table,
      select,
      // Invalid HTML real pages have: an inline element holding a block left open (`<span><p>a</span>more`, where
      // the parser ignores `</span>`; `<b><p>a</b>`, where it moves the <p> out of the <b>), and a formatting
      // element left open around a block (`<p><b>a<ul>…`, reopened by the parser around later text).
      fc
        .record({
          tag: fc.constantFrom("span", "b", "a", "em"),
          before: fc.array(leaf, { maxLength: 1 }),
          block: fc.constantFrom("p", "div", "ul"),
          inner: fc.array(leaf, { maxLength: 2 }),
          close: fc.boolean(),
        })
        .map(({ tag, before, block, inner, close }) => ({
          kind: "element" as const,
          tag,
          close: close || FORMATTING.has(tag),
          children: [
            ...before,
            block === "ul"
              ? {
                  kind: "element" as const,
                  tag: "ul",
                  close: true,
                  children: [{ kind: "element" as const, tag: "li", close: false, children: inner }],
                }
              : { kind: "element" as const, tag: block, close: block !== "p", children: inner },
          ],
        })),
    ),
  }));
  return node;
}

/** Items that need a parent of their own kind are wrapped in one (ul, dl, table). */
const WRAPPER: Record<string, [string, string]> = {
  dd: ["<dl>", "</dl>"],
  td: ["<table><tr>", "</table>"],
};

function serialize(nodes: Node[], targetClass = "t"): string {
  return nodes
    .map((item) => {
      if (item.kind === "text") return item.text.replace("&", "&amp;");
      if (item.kind === "comment") return `<!--${item.text ?? " c "}-->`;
      if (item.kind === "raw") return item.html;
      const attributes = `${item.attributes ?? ""}${item.target ? ` class="${targetClass}"` : ""}`;
      const inner = `<${item.tag}${attributes}>${serialize(item.children, targetClass)}${item.close ? `</${item.tag}>` : ""}`;
      const wrapper = item.bare ? undefined : WRAPPER[item.tag];
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

/** A generated body with its target chosen, serialized inside a page with `head` in its `<head>`. */
function pagesOf(texts: readonly string[], head: string, targetClass = "t"): fc.Arbitrary<GeneratedPage> {
  return fc
    .record({
      body: fc.array(treesOf(texts), { minLength: 1, maxLength: 5 }),
      pick: fc.nat(),
      closeHead: fc.boolean(),
      closeBody: fc.boolean(),
      svg: fc.boolean(),
      attributes: fc.array(fc.nat(ATTRIBUTES.length - 1), { maxLength: 24 }),
    })
    .map(({ body, pick, closeHead, closeBody, svg, attributes }) => {
      const copy = structuredClone(body);
      const all = elements(copy, false, []);
      all.forEach(({ node: item }, index) => {
        if (item.kind === "element") item.attributes = ATTRIBUTES[attributes[index] ?? 0];
      });
      const candidates = all.filter(
        ({ node: item }) => item.kind === "element" && !NOT_TARGETS.has(item.tag),
      );
      const chosen = candidates.length > 0 ? candidates[pick % candidates.length] : undefined;
      if (chosen && chosen.node.kind === "element") chosen.node.target = true;
      const html = `<!doctype html><html><head>${head}<title>Shop</title>${closeHead ? "</head>" : ""}<body>${svg ? "<svg><title>icon</title></svg>" : ""}${serialize(copy, targetClass)}${closeBody ? "</body></html>" : ""}`;
      return { html, targetInTemplate: chosen?.inTemplate ?? false };
    });
}

export const page: fc.Arbitrary<GeneratedPage> = pagesOf(
  ["Alpha", "Beta £5", "café", "x & y", " ", "Ωmega"],
  '<meta charset="utf-8">',
);

/**
 * Legacy encodings, each with text in it and those characters' bytes there (no encoder for them ships with the
 * runtime): single-byte western and central European, and the multi-byte Japanese, Korean and Chinese ones.
 */
export const LEGACY: ReadonlyArray<{ label: string; bytes: Record<string, number[]> }> = [
  { label: "windows-1252", bytes: { é: [0xe9], "£": [0xa3], "€": [0x80], ü: [0xfc] } },
  { label: "iso-8859-2", bytes: { Ł: [0xa3], ó: [0xf3], ź: [0xbc], ř: [0xf8] } },
  { label: "iso-8859-15", bytes: { "€": [0xa4], œ: [0xbd], é: [0xe9] } },
  { label: "shift_jis", bytes: { 日: [0x93, 0xfa], 本: [0x96, 0x7b], カ: [0x83, 0x4a] } },
  { label: "euc-kr", bytes: { 한: [0xc7, 0xd1], 국: [0xb1, 0xb9] } },
  { label: "gbk", bytes: { 中: [0xd6, 0xd0], 文: [0xce, 0xc4] } },
];

export interface EncodedPage {
  bytes: Uint8Array;
  contentType: string;
  /** Where the charset is said: in the header, in a `<meta>`, or nowhere (browsers guess; the renderer writes ASCII). */
  declared: "header" | "meta" | "undeclared";
  label: string;
}

/** `text` in `bytes`' encoding: ASCII as is, the rest from the table. */
function encode(text: string, bytes: Record<string, number[]>): Uint8Array {
  const out: number[] = [];
  for (const char of text) {
    const code = char.codePointAt(0) as number;
    if (code < 0x80) out.push(code);
    else {
      const mapped = bytes[char];
      if (!mapped) throw new Error(`no bytes for ${char} in the table`);
      out.push(...mapped);
    }
  }
  return Uint8Array.from(out);
}

/**
 * Generated pages in a legacy encoding, its text and the target's class (`t café`-like) in that encoding, declared in
 * the header, in a `<meta>` only, or not at all.
 */
export const legacyPage: fc.Arbitrary<GeneratedPage & EncodedPage> = fc
  .record({
    charset: fc.constantFrom(...LEGACY),
    declared: fc.constantFrom("header" as const, "meta" as const, "undeclared" as const),
  })
  .chain(({ charset, declared }) => {
    const words = Object.keys(charset.bytes);
    const texts = ["Alpha", "x & y", " ", ...words, words.join(" ")];
    const head = declared === "meta" ? `<meta charset="${charset.label}">` : "";
    return pagesOf(texts, head, `t ${words[0]}`).map((generated) => ({
      ...generated,
      bytes: encode(generated.html, charset.bytes),
      contentType: declared === "header" ? `text/html; charset=${charset.label}` : "text/html",
      declared,
      label: charset.label,
    }));
  });
