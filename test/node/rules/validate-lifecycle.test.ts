import { describe, expect, it } from "vitest";
import { validateRuleSources } from "../../../src/rules/validate.ts";
import { VALID_RULE_FILE } from "../../fixtures/rule-sources.ts";

const base = VALID_RULE_FILE.experiments[0] as Record<string, unknown>;
const variantWith = (ops: unknown[]) => [
  { id: "control", weight: 50 },
  { id: "b", weight: 50, ops },
];
const file = (experiments: unknown[], settings?: unknown) =>
  JSON.stringify({ ...(settings ? { settings } : {}), experiments });
const errors = (...texts: string[]) =>
  validateRuleSources(texts.map((text, i) => ({ file: `rules/${i}.json`, text }))).errors.map(
    (e) => `${e.file}: ${e.path}: ${e.message}`,
  );

describe("validating lifecycle rules", () => {
  it("refuses overlapping ranges in one layer, and accepts adjacent ones", () => {
    const a = { ...base, id: "a", layer: { id: "hero", start: 0, end: 0.5 } };
    const b = { ...base, id: "b", layer: { id: "hero", start: 0.4, end: 1 } };
    expect(errors(file([a, b]))).toEqual([
      'rules/0.json: experiments[1].layer: its layer range overlaps, so a visitor could be in both it and "a" (rules/0.json)',
    ]);
    expect(errors(file([a, { ...b, layer: { id: "hero", start: 0.5, end: 1 } }]))).toEqual([]);
  });

  it("refuses two experiments outside one layer editing the same selector on the same pages, unless allowed", () => {
    const a = { ...base, id: "a" };
    const b = { ...base, id: "b", pages: ["/**"] };
    expect(errors(file([a]), file([b]))).toEqual([
      'rules/1.json: experiments[0].variants: it edits "#hero h1" on the same pages as, and in a different layer from, "a" (rules/0.json)',
    ]);
    expect(errors(file([a, { ...b, allowOverlap: true }]))).toEqual([]);
    expect(errors(file([a, { ...b, pages: ["/products/*"] }]))).toEqual([]);
  });

  it("refuses a redirect to a host that is not allowed, and one that loops", () => {
    const offsite = {
      ...base,
      variants: variantWith([{ op: "redirect", url: "https://other.example/landing" }]),
    };
    expect(errors(file([offsite]))[0]).toMatch(
      /ops\[0\]\.url: other\.example is not in settings\.redirectHosts/,
    );
    expect(errors(file([offsite], { redirectHosts: ["other.example"] }))).toEqual([]);
    const loop = {
      ...base,
      pages: ["/landing*"],
      variants: variantWith([{ op: "redirect", url: "/landing-b" }]),
    };
    expect(errors(file([loop]))[0]).toMatch(/\/landing-b is one of this experiment's own pages/);
    const mixed = {
      ...base,
      variants: variantWith([
        { op: "redirect", url: "/b" },
        { op: "remove", selector: "#x" },
      ]),
    };
    expect(errors(file([mixed]))[0]).toMatch(/ops\[0\]: a redirect variant sends the visitor elsewhere/);
    const insecure = { ...base, variants: variantWith([{ op: "redirect", url: "http://shop.example/b" }]) };
    expect(errors(file([insecure]))[0]).toMatch(/ops\[0\]\.url: a path on this site/);
  });

  it("refuses a roll-out without a valid rolled-out variant", () => {
    expect(errors(file([{ ...base, status: "rolled-out" }]))[0]).toMatch(
      /experiments\[0\]\.rollout: a rolled-out experiment names/,
    );
    expect(errors(file([{ ...base, status: "rolled-out", rollout: "control" }]))[0]).toMatch(
      /not one of this experiment's non-control/,
    );
    expect(errors(file([{ ...base, rollout: "promise" }]))[0]).toMatch(
      /rollout only applies with status "rolled-out"/,
    );
    expect(errors(file([{ ...base, status: "rolled-out", rollout: "promise", holdout: 0.05 }]))).toEqual([]);
  });

  it("refuses a schedule that ends before it starts, and settings given twice", () => {
    const scheduled = { ...base, schedule: { start: "2026-12-02T00:00:00Z", end: "2026-12-01T00:00:00Z" } };
    expect(errors(file([scheduled]))[0]).toMatch(/schedule\.end: the end is not after the start/);
    expect(errors(file([], { redirectHosts: [] }), file([], { redirectHosts: [] }))).toEqual([
      "rules/1.json: settings: settings are already given in rules/0.json",
    ]);
  });

  it('reserves the arm id "holdout"', () => {
    const reserved = {
      ...base,
      variants: [
        { id: "control", weight: 1 },
        { id: "holdout", weight: 1, ops: [{ op: "remove", selector: "#x" }] },
      ],
    };
    expect(errors(file([reserved]))[0]).toMatch(/variants\[1\]\.id: "holdout" is reserved/);
  });
});

describe("validating against script and impossible settings", () => {
  it("refuses a javascript: URL in a link attribute, but allows it as plain text elsewhere", () => {
    const link = {
      ...base,
      variants: variantWith([
        { op: "setAttribute", selector: "#cta", name: "href", value: " JavaScript:alert(1)" },
      ]),
    };
    expect(errors(file([link]))[0]).toMatch(/ops\[0\]\.value: a javascript: URL in href=/);
    const title = {
      ...base,
      variants: variantWith([
        { op: "setAttribute", selector: "#cta", name: "title", value: "javascript: the language" },
      ]),
    };
    expect(errors(file([title]))).toEqual([]);
  });

  it("refuses required consent without the cookie to wait for", () => {
    expect(errors(file([], { consent: { mode: "required" } }))[0]).toMatch(
      /settings\.consent\.cookie: mode required needs the consent cookie/,
    );
    expect(errors(file([], { consent: { mode: "required", cookie: "cmp" } }))).toEqual([]);
  });

  it("refuses an hour window that can never match", () => {
    const never = { ...base, audience: { localHour: { from: 9, to: 9 } } };
    expect(errors(file([never]))[0]).toMatch(
      /experiments\[0\]\.audience\.localHour: from and to are the same hour/,
    );
  });
});
