// `--report-json FILE`: what one secr-run did, for CI dashboards and post-mortems. Pure: the
// launcher collects facts as it goes and this shapes them. Names, counts and timings only: never
// a value or the token (docs/design/insights.md lists the fields).
import { redact } from "../client/redact.js";
import type { ChildResult } from "../supervise/exit-status.js";
import type { SchemaFailure } from "../schema/check.js";

export const REPORT_FORMAT = 1;

export interface RunFacts {
  version: string;
  /** `org/project/env`; undefined when the settings never resolved. */
  target: string | undefined;
  /** Epoch ms when secr-run started. */
  startedAt: number;
  /** Epoch ms when it is about to exit. */
  endedAt: number;
  /** Milliseconds of each step that ran; a step that did not run is left out. */
  timings: { settingsMs?: number; fetchMs?: number; validationMs?: number; spawnMs?: number };
  source?: { kind: "secr"; staleMs?: number } | { kind: "snapshot"; ageMs: number; shared: boolean } | undefined;
  /** HTTP requests sent to secr by this process (retries included). */
  requests: number;
  injected?: readonly string[] | undefined;
  refused?: readonly string[] | undefined;
  template?: { valid: boolean; missing: readonly string[] } | undefined;
  schema?: { failures: readonly SchemaFailure[] } | undefined;
  child?: { pid: number | undefined; result: ChildResult | undefined } | undefined;
  /** secr-run's own exit: a code, or the signal it re-raised on itself. */
  exit: { code: number } | { signal: string };
  /** secr-run's one-line failure message, when it stopped before or instead of the child. */
  error?: string | undefined;
  restarts: number;
}

export interface RunReport {
  format: number;
  version: string;
  target: string | null;
  startedAt: string;
  durationMs: number;
  timings: { settingsMs: number | null; fetchMs: number | null; validationMs: number | null; spawnMs: number | null };
  source: { kind: "secr"; staleMs?: number } | { kind: "snapshot"; ageMs: number; shared: boolean } | null;
  requests: number;
  keys: { injected: string[]; refused: string[] };
  validation: {
    template: { checked: false } | { checked: true; valid: boolean; missing: string[] };
    schema: { declared: false } | { declared: true; valid: boolean; failures: SchemaFailure[] };
  };
  child: { pid: number | null; exitCode: number | null; signal: string | null; spawnError: string | null } | null;
  exit: { code: number | null; signal: string | null };
  error: string | null;
  restarts: number;
}

const ms = (value: number | undefined) => (value === undefined ? null : Math.round(value));

export function buildRunReport(facts: RunFacts): RunReport {
  const result = facts.child?.result;
  return {
    format: REPORT_FORMAT,
    version: facts.version,
    target: facts.target ?? null,
    startedAt: new Date(facts.startedAt).toISOString(),
    durationMs: Math.max(0, Math.round(facts.endedAt - facts.startedAt)),
    timings: {
      settingsMs: ms(facts.timings.settingsMs),
      fetchMs: ms(facts.timings.fetchMs),
      validationMs: ms(facts.timings.validationMs),
      spawnMs: ms(facts.timings.spawnMs),
    },
    source: facts.source ?? null,
    requests: facts.requests,
    keys: { injected: [...(facts.injected ?? [])].sort(), refused: [...(facts.refused ?? [])].sort() },
    validation: {
      template:
        facts.template === undefined
          ? { checked: false }
          : { checked: true, valid: facts.template.valid, missing: [...facts.template.missing] },
      schema:
        facts.schema === undefined
          ? { declared: false }
          : { declared: true, valid: facts.schema.failures.length === 0, failures: [...facts.schema.failures] },
    },
    child:
      facts.child === undefined
        ? null
        : {
            pid: facts.child.pid ?? null,
            exitCode: result?.kind === "exited" ? result.code : null,
            signal: result?.kind === "signaled" ? result.signal : null,
            spawnError: result?.kind === "spawn-failed" ? result.code : null,
          },
    exit: "code" in facts.exit ? { code: facts.exit.code, signal: null } : { code: null, signal: facts.exit.signal },
    error: facts.error ?? null,
    restarts: facts.restarts,
  };
}

/**
 * The file's bytes. Names and messages never hold values by construction; as a second line of
 * defence any sensitive string (the token, secret values) found in a string of the report is
 * masked, by the logger's rule. Only inside strings: a value such as `true`, `null` or `1234`
 * must neither break the JSON syntax nor mark which numbers or literals equal a secret.
 */
export function serializeRunReport(report: RunReport, sensitive: Iterable<string>): Buffer {
  const needles = [...sensitive];
  const text = JSON.stringify(
    report,
    (_key, value: unknown) => (typeof value === "string" ? redact(value, needles) : value),
    2,
  );
  return Buffer.from(`${text}\n`, "utf8");
}
