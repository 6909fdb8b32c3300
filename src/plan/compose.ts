// From the layers pulled to the secrets the child gets, in the documented order: layering (later
// wins), then `${KEY}` expansion, then renames, then the prefix (docs/guide/layers.md). Pure;
// throws ExpandError (78) or RenameCollision (64), whose messages name keys, never values.
import type { TemplateValidation } from "../client/schemas.js";
import { dictionary, type Dictionary } from "./dictionary.js";
import type { EnvRules } from "./env-rules.js";
import { expandReferences } from "./expand.js";
import { describeOverrides, mergeLayers } from "./layers.js";
import { applyNames } from "./rename.js";

/** One `--env` layer as pulled (or read from the snapshot). */
export interface PlanLayer {
  /** How messages name it: `ENV`, or `PROJECT/ENV` for another project. */
  label: string;
  project: string;
  secrets: Readonly<Record<string, string>>;
  /** The template verdict of this layer's own secrets; undefined when validation was skipped. */
  validation: TemplateValidation | undefined;
}

/** Where a value the child gets came from, for explain. */
export interface KeyOrigin {
  /** secr's key name (differs from the child's under --rename / --prefix). */
  secrName: string;
  /** The layer whose value won, and those it overrode (several layers only). */
  layer?: string;
  overrode?: string[];
  /** Keys its `${...}` references named (--expand). */
  references?: string[];
}

export interface Composed {
  /** secr's keys → their merged values, before expansion: what the template checks. */
  merged: Dictionary;
  /** The child's names → their values. */
  secrets: Dictionary;
  origin: Dictionary<KeyOrigin>;
  /** -v lines, names only: `DB_URL: production overrides shared`. */
  overrides: string[];
  warnings: string[];
  /** secr's keys → their values after expansion, and the keys each value referenced (--expand). */
  expanded: Readonly<Dictionary>;
  references: Readonly<Dictionary<string[]>>;
}

export function compose(
  layers: readonly PlanLayer[],
  rules: Pick<EnvRules, "expand" | "renames" | "prefix">,
): Composed {
  const merged = mergeLayers(layers);
  const labels = layers.map((layer) => layer.label);
  const expanded = rules.expand
    ? expandReferences(merged.secrets)
    : { secrets: merged.secrets, references: dictionary<string[]>() };
  const named = applyNames(expanded.secrets, { renames: rules.renames, prefix: rules.prefix });
  const origin = dictionary<KeyOrigin>();
  for (const name of Object.keys(named.secrets)) {
    const secrName = named.from[name] ?? name;
    const entry: KeyOrigin = { secrName };
    if (layers.length > 1) {
      const { from, overrode } = merged.provenance[secrName]!;
      entry.layer = labels[from]!;
      entry.overrode = overrode.map((index) => labels[index]!);
    }
    const references = expanded.references[secrName];
    if (references !== undefined) entry.references = references;
    origin[name] = entry;
  }
  return {
    merged: merged.secrets,
    secrets: named.secrets,
    origin,
    overrides: describeOverrides(merged, labels),
    warnings: named.warnings,
    expanded: expanded.secrets,
    references: expanded.references,
  };
}

/** The values an injected value was built from (--expand), by secr key, transitively: a child can
 *  print a part it parsed out (a password from a URL), so --mask covers them too. */
export function referencedValues(composed: Composed, injected: readonly string[]): Dictionary {
  const out = dictionary();
  const walk = (key: string) => {
    for (const ref of composed.references[key] ?? []) {
      if (Object.hasOwn(out, ref)) continue;
      out[ref] = composed.expanded[ref]!;
      walk(ref);
    }
  };
  for (const name of injected) {
    const origin = composed.origin[name];
    if (origin !== undefined) walk(origin.secrName);
  }
  return out;
}
