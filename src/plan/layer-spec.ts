// What one `--env` value names: `ENV` (an environment of the run's project) or `PROJECT/ENV`
// (an environment of another project of the same org). Pure; see docs/guide/layers.md.

export interface LayerRef {
  project: string;
  env: string;
  /** How messages name the layer: `ENV` in the run's project, `PROJECT/ENV` otherwise. */
  label: string;
}

/** Parses one `--env` value; an Error's message is the one-line reason (a usage error). */
export function parseLayerSpec(raw: string, project: string): LayerRef | Error {
  const parts = raw.split("/");
  if (parts.length > 2 || parts.some((part) => part.trim() === "")) {
    return new Error(`--env ${JSON.stringify(raw)} is not ENV or PROJECT/ENV`);
  }
  const [first, second] = parts as [string, string | undefined];
  if (second === undefined) return { project, env: first, label: first };
  return { project: first, env: second, label: first === project ? second : raw };
}

/** Every layer of a run, in order (later wins); the same layer twice is a usage error. */
export function parseLayers(raws: readonly string[], project: string): LayerRef[] | Error {
  const layers: LayerRef[] = [];
  const seen = new Set<string>();
  for (const raw of raws) {
    const layer = parseLayerSpec(raw, project);
    if (layer instanceof Error) return layer;
    const id = `${layer.project}/${layer.env}`;
    if (seen.has(id)) return new Error(`--env ${JSON.stringify(raw)} is given twice; each layer applies once`);
    seen.add(id);
    layers.push(layer);
  }
  if (layers.length === 0) return new Error("--env needs at least one environment");
  return layers;
}
