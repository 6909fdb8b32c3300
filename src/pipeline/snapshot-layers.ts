// A layered run's layers into the snapshot and back (docs/guide/layers.md): the snapshot of a
// layered run is one file under an identity naming every layer (settings.env `a+b`), holding
// each layer, so --offline, the shared fetch and explain see exactly what a pull gave.
import type { SnapshotData } from "../cache/index.js";
import type { Pulled, PulledLayer } from "./pull-secrets.js";

export function snapshotLayers(pulled: Pick<Pulled, "layers">): Pick<SnapshotData, "layers"> {
  if (pulled.layers === undefined) return {};
  return {
    layers: pulled.layers.map(({ label, project, env, secrets, validation, versions }) => ({
      label,
      project,
      env,
      secrets,
      validation: validation ?? null,
      versions,
    })),
  };
}

/** `validate` false: the verdicts are not used (--no-validate), as for one environment. */
export function pulledLayers(data: Pick<SnapshotData, "layers">, validate: boolean): { layers?: PulledLayer[] } {
  if (data.layers === undefined) return {};
  return {
    layers: data.layers.map(({ label, project, env, secrets, validation, versions }) => ({
      label,
      project,
      env,
      secrets,
      validation: validate ? (validation ?? undefined) : undefined,
      versions,
    })),
  };
}

/** Every value a snapshot holds, lower layers' overridden ones too: all kept out of messages. */
export function snapshotValues(data: Pick<SnapshotData, "secrets" | "layers">): string[] {
  return [...Object.values(data.secrets), ...(data.layers ?? []).flatMap((layer) => Object.values(layer.secrets))];
}
