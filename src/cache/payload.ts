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
}

export function serializePayload(data: SnapshotData): Buffer {
  const { secrets, validation, fetchedAt, fetchStartedAt, versions } = data;
  return Buffer.from(JSON.stringify({ secrets, validation, fetchedAt, fetchStartedAt, versions }), "utf8");
}

export function parsePayload(bytes: Buffer): SnapshotData | undefined {
  let json: unknown;
  try {
    json = JSON.parse(bytes.toString("utf8"));
  } catch {
    return undefined;
  }
  if (!isRecord(json)) return undefined;
  const { secrets, validation, fetchedAt, fetchStartedAt, versions } = json;
  if (!isRecord(secrets) || !Object.values(secrets).every((v) => typeof v === "string")) return undefined;
  if (typeof fetchedAt !== "number" || !Number.isFinite(fetchedAt)) return undefined;
  if (validation !== null && !isValidation(validation)) return undefined;
  if (fetchStartedAt !== undefined && (typeof fetchStartedAt !== "number" || !Number.isFinite(fetchStartedAt))) return undefined;
  if (versions !== undefined && (!isRecord(versions) || !Object.values(versions).every((v) => Number.isSafeInteger(v)))) return undefined;
  // Own properties only, into an object without a prototype (a secret may be named __proto__).
  return {
    secrets: dictionary(Object.entries(secrets as Record<string, string>)),
    validation,
    fetchedAt,
    fetchStartedAt,
    versions: versions === undefined ? undefined : dictionary(Object.entries(versions as Record<string, number>)),
  };
}

function isValidation(value: unknown): value is TemplateValidation {
  return isRecord(value) && typeof value.valid === "boolean" && isStringArray(value.missing) && isStringArray(value.extra);
}

function isStringArray(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((v) => typeof v === "string");
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}
