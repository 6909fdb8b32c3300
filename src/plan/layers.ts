// Several scopes in one run: layers apply in order and a later layer wins (docs/guide/layers.md).
// Pure. Every key remembers the layer it came from and the layers it overrode, for -v and explain.
import { dictionary, type Dictionary } from "./dictionary.js";
import { printableName } from "./names.js";

export interface LayerSecrets {
  label: string;
  secrets: Readonly<Record<string, string>>;
}

export interface Provenance {
  /** Index of the layer whose value won. */
  from: number;
  /** Indexes of earlier layers that had the key too, in order. */
  overrode: number[];
}

export interface Merged {
  secrets: Dictionary;
  provenance: Dictionary<Provenance>;
}

export function mergeLayers(layers: readonly LayerSecrets[]): Merged {
  const secrets = dictionary();
  const provenance = dictionary<Provenance>();
  layers.forEach((layer, index) => {
    for (const key of Object.keys(layer.secrets)) {
      const before = provenance[key];
      provenance[key] = { from: index, overrode: before === undefined ? [] : [...before.overrode, before.from] };
      secrets[key] = layer.secrets[key]!;
    }
  });
  return { secrets, provenance };
}

/** One line per overridden key for -v, names only: `DB_URL: production overrides shared`. */
export function describeOverrides(merged: Merged, labels: readonly string[]): string[] {
  return Object.keys(merged.provenance)
    .sort()
    .flatMap((key) => {
      const { from, overrode } = merged.provenance[key]!;
      return overrode.length === 0
        ? []
        : [`${printableName(key)}: ${labels[from]} overrides ${overrode.map((i) => labels[i]).join(", ")}`];
    });
}
