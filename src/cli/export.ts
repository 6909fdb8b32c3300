// `secr-run export --format dotenv|json|shell`: print an environment's secrets to stdout, with
// the same checks as a run (template, --only, name rules), so `eval "$(secr-run export ...)"`
// is as safe as `secr-run -- ...`. Nothing is printed unless everything can be printed.
import { formatSecrets } from "../launcher/export-format.js";
import { applyNameRules, printableName } from "../launcher/names.js";
import { selectOnly } from "../launcher/only.js";
import { checkTemplate } from "../launcher/template-check.js";
import { target } from "../config/target.js";
import { ExitCode } from "./exit-codes.js";
import { Failure } from "./failure.js";
import { loadSettingsWithCache } from "./load-settings.js";
import { createLogger } from "./log.js";
import { reportNameRules } from "./name-report.js";
import { obtainSecrets } from "./obtain-secrets.js";
import { exportCommand } from "./commands/export.js";
import { scanVerbosity, settingFlags } from "./commands/globals.js";
import { cacheFlags } from "./commands/shared.js";

export async function main(args: string[]): Promise<number> {
  // SIGUSR1 is already kept from opening Node's inspector by bin/secr-run.js; other signals keep
  // their default: no child to wait for, so dying at once is right.
  const log = createLogger(scanVerbosity(args));
  try {
    const { options } = exportCommand.parse(args);
    // Like a run, export falls back to the snapshot (a .env for offline work); the write after a
    // pull keeps the event loop, so it finishes before the process exits.
    const { settings, cache } = loadSettingsWithCache(settingFlags(options), cacheFlags(options), log);
    const obtained = await obtainSecrets(settings, { log, validate: options.validate, cache });
    const where = target(settings);
    if (obtained.validation !== undefined) {
      const template = checkTemplate(obtained.validation);
      if (template.failed) {
        throw new Failure(ExitCode.CONFIG, `${where} lacks required template keys: ${template.missing.map(printableName).join(", ") || "(none listed)"} (nothing was printed)`);
      }
    }
    const only = selectOnly(obtained.secrets, options.only);
    if (only.missing.length > 0) {
      throw new Failure(ExitCode.CONFIG, `${where} lacks keys given to --only: ${only.missing.map(printableName).join(", ")} (nothing was printed)`);
    }
    const names = applyNameRules(only.selected, { allowNames: options.allowName ?? [], skipInvalid: options.skipInvalid });
    reportNameRules(names, log, "export");
    const output = formatSecrets(options.format, names.accepted);
    if (!output.ok) {
      throw new Failure(
        ExitCode.DATA,
        `cannot write ${output.unquotable.join(", ")} in dotenv format so that dotenv reads back the same value ` +
          `(it mixes ', " and \` quotes with a newline, a carriage return or a trailing backslash); use --format json or shell (nothing was printed)`,
      );
    }
    log.debug(`exported ${Object.keys(names.accepted).length} secrets as ${options.format}`);
    // A reader that stops early (`| head -1`) closes the pipe: that is its choice, not an error.
    process.stdout.on("error", (error: NodeJS.ErrnoException) => {
      if (error.code !== "EPIPE") log.error(`cannot write to stdout: ${error.code ?? error.message}`);
    });
    process.stdout.write(output.text);
    return ExitCode.OK;
  } catch (error) {
    if (error instanceof Failure) {
      log.error(error.message);
      return error.exitCode;
    }
    throw error;
  }
}
