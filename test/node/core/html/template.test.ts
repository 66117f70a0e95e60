import { describe, expect, it } from "vitest";
import { checkTemplate, renderTemplate } from "../../../../src/core/html/template.ts";

describe("templates with visitor-derived values", () => {
  it("escapes a hostile value inside author HTML but keeps the author's markup", () => {
    const out = renderTemplate(
      "<b>Hello {{utm.campaign}}</b>",
      { "utm.campaign": '<script>alert("x")</script>' },
      "html",
    );
    expect(out).toBe("<b>Hello &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;</b>");
  });

  it("uses the fallback when the value is missing, escaped as well", () => {
    expect(renderTemplate("to {{city|your <door>}}", {}, "html")).toBe("to your &lt;door&gt;");
    expect(renderTemplate("to {{city|your door}}", { city: "Keswick" }, "text")).toBe("to Keswick");
  });

  it("caps a value at 100 characters", () => {
    expect(renderTemplate("{{city}}", { city: "x".repeat(500) }, "text")).toHaveLength(100);
  });

  it("refuses unknown placeholders and unclosed braces", () => {
    expect(checkTemplate("Hi {{email}}")).toMatch(/unknown placeholder \{\{email\}\}/);
    expect(checkTemplate("Hi {{city")).toMatch(/unclosed/);
    expect(checkTemplate("Hi {{ city | there }}")).toBeUndefined();
  });
});
