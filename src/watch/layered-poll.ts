// --watch over several `--env` layers: every poll asks every layer (each with its own ETag, so
// an idle layer is a 304) and combines their versions (layered-versions.ts), so a change in any
// layer is seen. docs/guide/layers.md.
import type { Versions } from "./decide.js";
import { combineVersions } from "./layered-versions.js";

export interface LayerTarget {
  project: string;
  env: string;
}

/** One layer's poll: its versions, or undefined for a 304; `setEtag` once the whole set is in. */
export type PollOne = (
  target: LayerTarget,
  etag: string | undefined,
  setEtag: (etag: string) => void,
) => Promise<Versions | undefined>;

export function layeredPoller(targets: readonly LayerTarget[], pollOne: PollOne): () => Promise<Versions | undefined> {
  const etags: Array<string | undefined> = targets.map(() => undefined);
  const last: Array<Versions | undefined> = targets.map(() => undefined);
  return async () => {
    const tags: Array<string | undefined> = targets.map(() => undefined);
    const polled = await Promise.all(
      targets.map((target, index) => pollOne(target, etags[index], (tag) => (tags[index] = tag))),
    );
    // Only once every layer answered: a failed layer must not leave another's ETag ahead of
    // the versions kept for it.
    polled.forEach((versions, index) => {
      if (versions !== undefined) last[index] = versions;
      if (tags[index] !== undefined) etags[index] = tags[index];
    });
    if (polled.every((versions) => versions === undefined)) return undefined;
    return combineVersions(last.map((versions) => versions ?? {}));
  };
}
