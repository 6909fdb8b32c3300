// --template SRC:DEST: render a mustache template with the secrets. Pure.
//
// mustache.js (docs/design/delivery.md, "Templates"): logic-less, no dependencies, small, stable for
// years; the secrets are a flat map of strings, which is all mustache's model needs. Values are
// written as they are (no HTML escaping), and a value is never rendered again as a template.
// Every variable a rendered branch refers to must exist: a template that would silently render
// an empty string for a missing key stops the run instead.
import Mustache from "mustache";

export type TemplateResult =
  { ok: true; text: string } | { ok: false; missing: string[] } | { ok: false; error: string };

type Token = [type: string, value: string, start: number, end: number, children?: Token[]];

const truthy = (secrets: Readonly<Record<string, string>>, name: string) =>
  Object.hasOwn(secrets, name) && secrets[name] !== "";

/** Names used by the variables of the branches that will render, in order of first use. A
 *  section ({{#K}}) renders when K is set and not empty, an inverted one ({{^K}}) otherwise:
 *  that is how a template says a key is optional. */
export function referencedNames(
  tokens: readonly Token[],
  secrets: Readonly<Record<string, string>>,
  inSection = false,
  into = new Set<string>(),
): Set<string> {
  for (const [type, name, , , children] of tokens) {
    switch (type) {
      case "name":
      case "&":
        if (!(name === "." && inSection)) into.add(name);
        break;
      case "#":
        if (truthy(secrets, name)) referencedNames(children ?? [], secrets, true, into);
        break;
      case "^":
        if (!truthy(secrets, name)) referencedNames(children ?? [], secrets, inSection, into);
        break;
    }
  }
  return into;
}

function hasPartial(tokens: readonly Token[]): boolean {
  return tokens.some(([type, , , , children]) => type === ">" || (children !== undefined && hasPartial(children)));
}

export function renderTemplate(template: string, secrets: Readonly<Record<string, string>>): TemplateResult {
  let tokens: Token[];
  try {
    tokens = Mustache.parse(template) as Token[];
  } catch (error) {
    return { ok: false, error: `not a valid mustache template: ${(error as Error).message}` };
  }
  if (hasPartial(tokens)) return { ok: false, error: "partials ({{> name}}) are not supported" };
  const missing = [...referencedNames(tokens, secrets)].filter((name) => !Object.hasOwn(secrets, name));
  if (missing.length > 0) return { ok: false, missing };
  // A prototype-free view: {{constructor}} or {{__proto__}} find nothing rather than Object's.
  const view = Object.assign(Object.create(null) as Record<string, string>, secrets);
  return { ok: true, text: Mustache.render(template, view, {}, { escape: (value: string) => value }) };
}
