// --watch over several `--env` layers (docs/guide/layers.md): one versions map for the merged
// set, so the decisions of decide.ts apply unchanged. A key's entry is the version of the layer
// whose value wins, tagged with that layer's index: a change in a lower layer that is overridden
// changes nothing; removing the upper key (the lower value shows) does. Pure.
import type { Versions } from "./decide.js";

/** Enough for any number of layers a command line holds; versions stay safe integers. */
const LAYER_SLOTS = 1024;

export function combineVersions(layers: readonly Versions[]): Record<string, number> {
  const out = Object.create(null) as Record<string, number>;
  layers.forEach((versions, index) => {
    for (const key of Object.keys(versions)) out[key] = versions[key]! * LAYER_SLOTS + index;
  });
  return out;
}
