import { describe, expect, it } from "vitest";
import { renderTemplate } from "../../src/deliver/template.js";

const SECRETS = { USER: "admin", PASSWORD: "<p&ss>\"'", EMPTY: "" };

describe("renderTemplate", () => {
  it("writes values as they are: no HTML escaping in any tag form", () => {
    expect(renderTemplate("{{USER}}:{{PASSWORD}} {{{PASSWORD}}} {{& PASSWORD}}", SECRETS)).toEqual({
      ok: true,
      text: "admin:<p&ss>\"' <p&ss>\"' <p&ss>\"'",
    });
  });

  it("never renders a value as a template", () => {
    expect(renderTemplate("{{V}}", { V: "{{USER}} {{#x}}" })).toEqual({ ok: true, text: "{{USER}} {{#x}}" });
  });

  it("names every missing key, in order of first use", () => {
    expect(renderTemplate("{{B}} {{USER}} {{{A}}} {{B}}", SECRETS)).toEqual({ ok: false, missing: ["B", "A"] });
  });

  it("does not find Object's properties as keys", () => {
    expect(renderTemplate("{{constructor}}{{toString}}{{__proto__}}", SECRETS)).toEqual({
      ok: false,
      missing: ["constructor", "toString", "__proto__"],
    });
    expect(renderTemplate("[{{__proto__}}]", { __proto__: "x" } as never)).toMatchObject({ ok: false });
  });

  it("sections make a key optional: only the branch that renders must have its keys", () => {
    const t = "{{#OPTIONAL}}opt={{OPTIONAL}} {{OTHER}}{{/OPTIONAL}}{{^OPTIONAL}}none{{/OPTIONAL}}";
    expect(renderTemplate(t, SECRETS)).toEqual({ ok: true, text: "none" });
    expect(renderTemplate(t, { OPTIONAL: "yes" })).toEqual({ ok: false, missing: ["OTHER"] });
    expect(renderTemplate(t, { OPTIONAL: "yes", OTHER: "o" })).toEqual({ ok: true, text: "opt=yes o" });
    // An empty value is falsy, as in mustache.
    expect(renderTemplate("{{#EMPTY}}x{{/EMPTY}}{{^EMPTY}}empty{{/EMPTY}}", SECRETS)).toEqual({
      ok: true,
      text: "empty",
    });
    expect(renderTemplate("{{#USER}}{{.}}{{/USER}}", SECRETS)).toEqual({ ok: true, text: "admin" });
    expect(renderTemplate("{{.}}", SECRETS)).toEqual({ ok: false, missing: ["."] });
  });

  it("refuses partials and malformed templates", () => {
    expect(renderTemplate("{{> other}}", SECRETS)).toMatchObject({
      ok: false,
      error: expect.stringContaining("partials"),
    });
    expect(renderTemplate("{{#USER}}", SECRETS)).toMatchObject({
      ok: false,
      error: expect.stringContaining("Unclosed section"),
    });
    expect(renderTemplate("{{USER", SECRETS)).toMatchObject({
      ok: false,
      error: expect.stringContaining("Unclosed tag"),
    });
  });

  it("honours changed delimiters", () => {
    expect(renderTemplate("{{=<% %>=}}<% USER %> {{USER}}", SECRETS)).toEqual({ ok: true, text: "admin {{USER}}" });
  });
});
