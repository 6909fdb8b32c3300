// `secr-run export --format dotenv|json|shell`: print an environment's secrets to stdout, with
// the same checks as a run (template, schema, --only, name rules: src/cli/prepare.ts), so `eval "$(secr-run export ...)"`
// is as safe as `secr-run -- ...`. Nothing is printed unless everything can be printed.
import { formatSecrets } from "../launcher/export-format.js";
import { ExitCode } from "./exit-codes.js";
import { Failure } from "./failure.js";
import { createLogger } from "./log.js";
import { prepare } from "./prepare.js";
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
    const { plan } = await prepare({
      flags: settingFlags(options),
      cacheFlags: cacheFlags(options),
      validate: options.validate,
      only: options.only,
      allowNames: options.allowName ?? [],
      skipInvalid: options.skipInvalid,
      // What is printed is the secrets (and schema defaults) alone: no inherited environment.
      preserveEnv: false,
      passToken: false,
      context: "export",
      inherited: {},
      log,
    });
    if (plan.stop === undefined || plan.stop.exitCode === ExitCode.DATA) for (const warning of plan.warnings) log.warn(warning);
    if (plan.stop !== undefined) throw new Failure(plan.stop.exitCode, plan.stop.message);
    const output = formatSecrets(options.format, plan.env);
    if (!output.ok) {
      throw new Failure(
        ExitCode.DATA,
        `cannot write ${output.unquotable.join(", ")} in dotenv format so that dotenv reads back the same value ` +
          `(it mixes ', " and \` quotes with a newline, a carriage return or a trailing backslash); use --format json or shell (nothing was printed)`,
      );
    }
    log.debug(`exported ${Object.keys(plan.env).length} secrets as ${options.format}`);
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
