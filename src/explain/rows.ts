// `secr-run explain`: the plan's rows with a fingerprint each, as a table or JSON. Pure apart from
// the HMAC. Never a value: only names, sources, actions, rules and fingerprints.
import { formatAge } from "../cache/format-age.js";
import type { Plan, PlanRow, SecretSource } from "../plan/plan.js";
import { printableName } from "../plan/names.js";
import { fingerprint, formatFingerprint, type Fingerprint, type FingerprintKey } from "./fingerprint.js";

export interface ExplainRow extends PlanRow {
  fingerprint?: Fingerprint;
}

export interface ExplainValues {
  inherited: Readonly<Record<string, string | undefined>>;
  token: string;
}

/**
 * Fingerprints the value each row stands for (the one the child would get, or the refused one).
 * Never the token's: the key is derived from the token, so its fingerprint would let anyone
 * holding the output test token guesses offline (docs/design/insights.md).
 */
export function explainRows(plan: Plan, values: ExplainValues, key: FingerprintKey): ExplainRow[] {
  return plan.rows.map((row) => {
    const value = valueOf(row, plan, values);
    return value === undefined || value === values.token
      ? { ...row }
      : { ...row, fingerprint: fingerprint(key, value) };
  });
}

function valueOf(row: PlanRow, plan: Plan, { inherited, token }: ExplainValues): string | undefined {
  switch (row.source) {
    case "secr":
    case "snapshot":
      // The value under the child's name: after --expand, --rename and --prefix.
      return plan.values[row.key];
    case "inherited":
      return row.action === "removed" ? undefined : inherited[row.key];
    case "default":
      return plan.env[row.key];
    case "token":
      return token;
    case "none":
      return undefined;
  }
}

export interface ExplainReport {
  target: string;
  source: { kind: "secr" } | { kind: "snapshot"; ageMs: number };
  /** Whether a run with these options would start the child. */
  wouldStart: boolean;
  /** The exit code a run would end with before starting the child; 0 when it would start. */
  exitCode: number;
  /** Why it would not start. */
  message?: string;
  rows: ExplainRow[];
}

export function explainReport(target: string, source: SecretSource, plan: Plan, rows: ExplainRow[]): ExplainReport {
  const report: ExplainReport = {
    target,
    source,
    wouldStart: plan.stop === undefined,
    exitCode: plan.stop?.exitCode ?? 0,
    rows,
  };
  if (plan.stop !== undefined) report.message = plan.stop.message;
  return report;
}

export function sourceLabel(row: PlanRow, source: SecretSource): string {
  if (row.source === "snapshot" && source.kind === "snapshot") return `snapshot (${formatAge(source.ageMs)} old)`;
  if (row.source === "default") return "schema default";
  if (row.source === "none") return "-";
  return row.source;
}

/** The reason, then where the value came from: its layer and those it overrode, secr's name
 *  under --rename / --prefix, the keys its `${...}` references named. */
export function detail(row: PlanRow): string {
  const notes = [row.reason ?? ""];
  if (row.layer !== undefined)
    notes.push(
      row.overrode === undefined ? `from ${row.layer}` : `from ${row.layer}, overrides ${row.overrode.join(", ")}`,
    );
  if (row.secrName !== undefined) notes.push(`secr key ${printableName(row.secrName)}`);
  if (row.references !== undefined)
    notes.push(`expanded from ${row.references.map((key) => `\${${printableName(key)}}`).join(", ")}`);
  return notes.filter((note) => note !== "").join("; ");
}

/** Aligned columns: KEY SOURCE ACTION SCHEMA FINGERPRINT DETAIL, then the verdict line. */
export function formatExplainTable(report: ExplainReport): string {
  const header = ["KEY", "SOURCE", "ACTION", "SCHEMA", "FINGERPRINT", "DETAIL"];
  const lines = report.rows.map((row) => [
    printableName(row.key),
    sourceLabel(row, report.source),
    row.action,
    row.schema === undefined ? "-" : row.schema.ok ? `${row.schema.type} ok` : `${row.schema.type}: ${row.schema.rule}`,
    row.fingerprint === undefined ? "-" : formatFingerprint(row.fingerprint),
    detail(row),
  ]);
  const table = [header, ...lines];
  const widths = header.map((_, column) => Math.max(...table.map((cells) => cells[column]!.length)));
  const text = table.map((cells) =>
    cells
      .map((cell, column) => (column === cells.length - 1 ? cell : cell.padEnd(widths[column]!)))
      .join("  ")
      .trimEnd(),
  );
  const verdict = report.wouldStart
    ? `${report.target}: a run would start the command with ${report.rows.filter((r) => r.action === "injected").length} injected keys`
    : `${report.target}: a run would stop with exit ${report.exitCode}: ${report.message}`;
  return `${[...text, verdict].join("\n")}\n`;
}
