// What a snapshot holds, and the JSON (de)serialisation of it.
// The shape check is written out by hand on purpose: the payload was authenticated with our
// own key before it gets here, and importing zod costs ≈ 80 ms on a path meant to start fast.

import type { TemplateValidation } from "../client/schemas.js";
import { dictionary } from "../plan/dictionary.js";

export interface SnapshotData {
  /** Exactly the secrets that were injected. */
  secrets: Record<string, string>;
  /** The template result they were validated against; null when validation was skipped. */
  validation: TemplateValidation | null;
  /** When the secrets were pulled from secr (epoch ms). */
  fetchedAt: number;
  /** When that fetch began (epoch ms): a run may share it only if it began after the run was
   *  launched (share-rule.ts). Absent in snapshots of older versions: never shared. */
  fetchStartedAt?: number | undefined;
  /** Key → version as pulled: the --watch baseline of a run started from this snapshot. */
  versions?: Record<string, number> | undefined;
  /** Each `--env` layer of a layered run (`secrets` is then their merge), so a run from the
   *  snapshot plans exactly as from secr. */
  layers?: SnapshotLayer[] | undefined;
}

export interface SnapshotLayer {
  label: string;
  project: string;
  env: string;
  secrets: Record<string, string>;
  validation: TemplateValidation | null;
  versions?: Record<string, number> | undefined;
}

export function serializePayload(data: SnapshotData): Buffer {
  const { secrets, validation, fetchedAt, fetchStartedAt, versions, layers } = data;
  return Buffer.from(JSON.stringify({ secrets, validation, fetchedAt, fetchStartedAt, versions, layers }), "utf8");
}

export function parsePayload(bytes: Buffer): SnapshotData | undefined {
  let json: unknown;
  try {
    json = JSON.parse(bytes.toString("utf8"));
  } catch {
    return undefined;
  }
  if (!isRecord(json)) return undefined;
  const { secrets, validation, fetchedAt, fetchStartedAt, versions, layers } = json;
  if (!isSecrets(secrets)) return undefined;
  if (typeof fetchedAt !== "number" || !Number.isFinite(fetchedAt)) return undefined;
  if (validation !== null && !isValidation(validation)) return undefined;
  if (fetchStartedAt !== undefined && (typeof fetchStartedAt !== "number" || !Number.isFinite(fetchStartedAt)))
    return undefined;
  if (versions !== undefined && !isVersions(versions)) return undefined;
  let parsedLayers: SnapshotLayer[] | undefined;
  if (layers !== undefined) {
    if (!Array.isArray(layers)) return undefined;
    parsedLayers = [];
    for (const layer of layers as unknown[]) {
      const parsed = parseLayer(layer);
      if (parsed === undefined) return undefined;
      parsedLayers.push(parsed);
    }
  }
  // Own properties only, into an object without a prototype (a secret may be named __proto__).
  return {
    secrets: dictionary(Object.entries(secrets)),
    validation,
    fetchedAt,
    fetchStartedAt,
    versions: versions === undefined ? undefined : dictionary(Object.entries(versions)),
    ...(parsedLayers === undefined ? {} : { layers: parsedLayers }),
  };
}

function parseLayer(value: unknown): SnapshotLayer | undefined {
  if (!isRecord(value)) return undefined;
  const { label, project, env, secrets, validation, versions } = value;
  if (typeof label !== "string" || typeof project !== "string" || typeof env !== "string" || !isSecrets(secrets))
    return undefined;
  if (validation !== null && !isValidation(validation)) return undefined;
  if (versions !== undefined && !isVersions(versions)) return undefined;
  const layer: SnapshotLayer = { label, project, env, secrets: dictionary(Object.entries(secrets)), validation };
  if (versions !== undefined) layer.versions = dictionary(Object.entries(versions));
  return layer;
}

function isSecrets(value: unknown): value is Record<string, string> {
  return isRecord(value) && Object.values(value).every((v) => typeof v === "string");
}

function isVersions(value: unknown): value is Record<string, number> {
  return isRecord(value) && Object.values(value).every((v) => Number.isSafeInteger(v));
}

function isValidation(value: unknown): value is TemplateValidation {
  return (
    isRecord(value) && typeof value.valid === "boolean" && isStringArray(value.missing) && isStringArray(value.extra)
  );
}

function isStringArray(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((v) => typeof v === "string");
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}
