// What to write for --file, --mount and --template, and what the child's environment gains and
// loses. Pure: every check happens here, before anything is written (docs/design/delivery.md).
import { posix, win32 } from "node:path";
import { ExitCode, type ExitCodeValue } from "../core/exit-codes.js";
import { formatSecrets } from "../plan/export-format.js";
import { printableName } from "../plan/names.js";
import type { DeliverySpec } from "./specs.js";
import { renderTemplate } from "./template.js";

export interface PlannedFile {
  /** Absolute. */
  path: string;
  content: string;
  /** The option that asked for it, for messages: "--file DB_PASSWORD". */
  origin: string;
  /** In secr-run's private run directory (else a path the user chose). */
  inRunDir: boolean;
}

export type DeliveryPlan =
  | { ok: true; files: PlannedFile[]; setEnv: Record<string, string>; unsetEnv: string[] }
  | { ok: false; exitCode: ExitCodeValue; message: string };

export interface PlanInput {
  spec: DeliverySpec;
  /** The injected set: what the child would get in its environment. */
  secrets: Readonly<Record<string, string>>;
  /** The text of each --template source, in the order of spec.templates. */
  templateTexts: readonly string[];
  /** This run's private directory (created only when the plan is carried out). */
  runDir: string;
  cwd: string;
  platform?: NodeJS.Platform;
}

const fail = (exitCode: ExitCodeValue, message: string): DeliveryPlan => ({ ok: false, exitCode, message });

export function planDelivery(input: PlanInput): DeliveryPlan {
  const { spec, secrets } = input;
  const path = (input.platform ?? process.platform) === "win32" ? win32 : posix;
  const files: PlannedFile[] = [];
  const setEnv: Record<string, string> = {};
  const unsetEnv: string[] = [];

  const byKey = new Set<string>();
  for (const { key, path: given } of spec.files) {
    if (byKey.has(key)) return fail(ExitCode.USAGE, `--file ${key} is given twice`);
    byKey.add(key);
    if (!Object.hasOwn(secrets, key))
      return fail(ExitCode.CONFIG, `--file ${key}: no such secret is injected (the command was not started)`);
    const variable = `${key}_FILE`;
    if (Object.hasOwn(secrets, variable)) {
      return fail(
        ExitCode.DATA,
        `--file ${key} would set ${variable}, which is a secret too; deliver that one differently or leave out --file ${key}`,
      );
    }
    const inRunDir = given === undefined;
    const target = inRunDir ? path.join(input.runDir, key) : path.resolve(input.cwd, given);
    files.push({ path: target, content: secrets[key]!, origin: `--file ${key}`, inRunDir });
    setEnv[variable] = target;
    unsetEnv.push(key);
  }

  if (spec.mount !== undefined) {
    const formatted = formatSecrets(spec.mount.format, secrets);
    if (!formatted.ok) {
      return fail(
        ExitCode.DATA,
        `--mount-format ${spec.mount.format} cannot represent the values of: ${formatted.unquotable.join(", ")}; use --mount-format json or shell`,
      );
    }
    files.push({
      path: path.resolve(input.cwd, spec.mount.path),
      content: formatted.text,
      origin: "--mount",
      inRunDir: false,
    });
  }

  spec.templates.forEach(({ source, dest }, i) =>
    files.push({
      path: path.resolve(input.cwd, dest),
      content: input.templateTexts[i] ?? "",
      origin: `--template ${source}`,
      inRunDir: false,
    }),
  );
  for (const file of files) {
    if (!file.origin.startsWith("--template ")) continue;
    const rendered = renderTemplate(file.content, secrets);
    if (!rendered.ok) {
      return "missing" in rendered
        ? fail(
            ExitCode.CONFIG,
            `${file.origin}: the template uses keys that are not injected: ${rendered.missing.map(printableName).join(", ")} (the command was not started)`,
          )
        : fail(ExitCode.CONFIG, `${file.origin}: ${rendered.error}`);
    }
    file.content = rendered.text;
  }

  const seen = new Map<string, string>();
  for (const file of files) {
    const other = seen.get(file.path);
    if (other !== undefined) return fail(ExitCode.USAGE, `${other} and ${file.origin} both write ${file.path}`);
    seen.set(file.path, file.origin);
  }
  return { ok: true, files, setEnv, unsetEnv };
}
