import { describe, expect, it } from "vitest";
import { checkArm } from "../../../../src/cli/verify/check-arm.ts";
import { NO_RENDER_DATA } from "../../../../src/core/page-view/render-data.ts";
import { OpSchema } from "../../../../src/core/schema/ops.ts";

const op = (input: unknown) => OpSchema.parse(input);
const check = (origin: string, served: string, ops: unknown[]) =>
  checkArm(origin, served, ops.map(op), NO_RENDER_DATA).judgement;

const LIST = "<ul><li class=a>Alpha<li class=b>Beta<li class=c>Gamma</ul><p>after</p>";

describe("verify's tree comparison: did each op land where a browser would have it, and nothing else change", () => {
  it("an op that edits exactly its element, as the parser builds it, landed", () => {
    const judgement = check(LIST, "<ul><li class=b>Beta<li class=c>Gamma</ul><p>after</p>", [
      { op: "remove", selector: "li.a" },
    ]);
    expect(judgement.ops.map((verdict) => verdict.status)).toEqual(["landed"]);
    expect(judgement.unexplained).toEqual([]);
  });

  it("a remove that took the later siblings of an element with an implied end tag is misplaced, and the lost paragraph is an unexplained change", () => {
    // What lol-html sends for `remove li.a` when the end tags are omitted: everything up to </ul> is gone.
    const judgement = check(LIST, "<ul><p>after</p>", [{ op: "remove", selector: "li.a" }]);
    expect(judgement.ops[0]?.status).toBe("misplaced");
    expect(judgement.unexplained.length).toBeGreaterThan(0);
    expect(judgement.unexplained[0]?.path).toBe("html > body");
  });

  it("setText that also rewrote a sibling lands on its own element but the sibling is an unexplained change", () => {
    const origin = '<div id="a">one</div><div id="b">two</div>';
    const judgement = check(origin, '<div id="a">new</div><div id="b">new</div>', [
      { op: "setText", selector: "#a", value: "new" },
    ]);
    expect(judgement.ops[0]?.status).toBe("landed");
    expect(judgement.unexplained.map((difference) => difference.path)).toEqual(["#b (text)"]);
  });

  it("an append that landed in the last sibling instead of its own element is misplaced", () => {
    const origin = "<dl><dt id=t>Size<dd>Small<dd>Large</dl>";
    const served = "<dl><dt id=t>Size<dd>Small<dd>Large<b>!</b></dl>";
    const judgement = check(origin, served, [{ op: "append", selector: "#t", html: "<b>!</b>" }]);
    expect(judgement.ops[0]?.status).toBe("misplaced");
  });

  it("a control arm that changed a byte of visible content is caught as an unexplained change", () => {
    const judgement = check("<p>£5 délivrance</p>", "<p>Â£5 dÃ©livrance</p>", []);
    expect(judgement.unexplained.map((difference) => difference.message)).toEqual([
      'text: expected "£5 délivrance", got "Â£5 dÃ©livrance"',
    ]);
  });

  it("attribute and class ops compare the value a parser reads back", () => {
    const origin = '<a id="cta" class="btn" href="/x">Go</a>';
    const served = '<a id="cta" class="btn cta--promise" href="/x?a=1&amp;b=2">Go</a>';
    const judgement = check(origin, served, [
      { op: "addClass", selector: "#cta", value: "cta--promise" },
      { op: "setAttribute", selector: "#cta", name: "href", value: "/x?a=1&b=2" },
    ]);
    expect(judgement.ops.map((verdict) => verdict.status)).toEqual(["landed", "landed"]);
    expect(judgement.unexplained).toEqual([]);
  });

  it("a selector that matches nothing in the browser's DOM is a no-match, and inside a template counts as nothing", () => {
    const origin = '<template><p class="row">x</p></template><p id="x">y</p>';
    const served = '<template><p class="row">changed</p></template><p id="x">y</p>';
    const judgement = check(origin, served, [{ op: "setText", selector: "p.row", value: "changed" }]);
    expect(judgement.ops[0]?.status).toBe("no-match");
    expect(judgement.unexplained).toHaveLength(1);
  });

  it("an op whose targets it leaves as they were is unchanged, not landed", () => {
    const origin = '<a id="cta" class="btn promo">Go</a>';
    const judgement = check(origin, origin, [{ op: "addClass", selector: "#cta", value: "promo" }]);
    expect(judgement.ops[0]?.status).toBe("unchanged");
  });

  it("addStyle is expected at the end of <head>", () => {
    const origin = "<html><head><title>t</title></head><body><p>x</p></body></html>";
    const css = "p { color: red; }";
    const right = check(
      origin,
      `<html><head><title>t</title><style data-stylist>${css}</style></head><body><p>x</p></body></html>`,
      [{ op: "addStyle", css }],
    );
    expect(right.ops[0]?.status).toBe("landed");
    const wrong = check(
      origin,
      `<html><head><title>t</title></head><body><p>x</p></body></html><style data-stylist>${css}</style>`,
      [{ op: "addStyle", css }],
    );
    expect(wrong.ops[0]?.status).toBe("misplaced");
  });
});
