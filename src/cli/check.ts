// `secr-run check`: validate an environment against the project template (CI pre-flight).
// Prints missing and extra key names (never values) to stdout; exit 0 when valid, 78 when not.
import { printableName } from "../launcher/names.js";
import { checkTemplate } from "../launcher/template-check.js";
import { target } from "../config/target.js";
import { ExitCode } from "./exit-codes.js";
import { Failure } from "./failure.js";
import { loadSettings } from "./load-settings.js";
import { createLogger } from "./log.js";
import { validateOnly } from "./pull-secrets.js";
import { checkCommand } from "./commands/check.js";
import { scanVerbosity, settingFlags } from "./commands/globals.js";

export function main(args: string[]): Promise<number> {
  return check(checkCommand, args);
}

/** `check`, and `templates validate` (the same command under the templates group). */
export async function check(definition: typeof checkCommand, args: string[]): Promise<number> {
  // SIGUSR1 is already kept from opening Node's inspector by bin/secr-run.js; other signals keep
  // their default: no child to wait for, so dying at once is right.
  const log = createLogger(scanVerbosity(args));
  try {
    const { options } = definition.parse(args);
    const settings = loadSettings(settingFlags(options), log);
    const validation = await validateOnly(settings, { log });
    const template = checkTemplate(validation);
    const where = target(settings);
    if (options.json) {
      const result = { org: settings.org, project: settings.project, env: settings.env, valid: !template.failed, missing: template.missing, extra: template.extra };
      process.stdout.write(`${JSON.stringify(result)}\n`);
    } else {
      const lines = [
        template.failed
          ? `${where}: missing ${template.missing.length} required key${template.missing.length === 1 ? "" : "s"}: ${template.missing.map(printableName).join(", ") || "(none listed)"}`
          : `${where}: valid`,
      ];
      if (template.extra.length > 0) lines.push(`${where}: ${template.extra.length} key${template.extra.length === 1 ? "" : "s"} not in the template: ${template.extra.map(printableName).join(", ")}`);
      process.stdout.write(`${lines.join("\n")}\n`);
    }
    return template.failed ? ExitCode.CONFIG : ExitCode.OK;
  } catch (error) {
    if (error instanceof Failure) {
      log.error(error.message);
      return error.exitCode;
    }
    throw error;
  }
}
