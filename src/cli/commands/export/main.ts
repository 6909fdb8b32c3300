// `secr-run export --format dotenv|json|shell`: print an environment's secrets to stdout, with
// the same checks as a run (template, schema, --only, name rules: src/pipeline/prepare.ts), so `eval "$(secr-run export ...)"`
// is as safe as `secr-run -- ...`. Nothing is printed unless everything can be printed.
import { formatSecrets } from "../../../plan/export-format.js";
import { ExitCode } from "../../../core/exit-codes.js";
import { Failure } from "../../../core/failure.js";
import { commandMain } from "../../frame.js";
import { warnOrStop } from "../../../pipeline/plan-stop.js";
import { prepare } from "../../../pipeline/prepare.js";
import { pullOptions } from "../../prepare-options.js";
import { exportCommand } from "./command.js";

// SIGUSR1 is already kept from opening Node's inspector by bin/secr-run.js; other signals keep
// their default: no child to wait for, so dying at once is right.
export const main = commandMain(async (args, { io, log }) => {
  const { options } = exportCommand.parse(args);
  // Like a run, export falls back to the snapshot (a .env for offline work); the write after a
  // pull keeps the event loop, so it finishes before the process exits.
  const { plan } = await prepare({
    ...pullOptions(options),
    env: io.env,
    cwd: io.cwd,
    // What is printed is the secrets (and schema defaults) alone: no inherited environment.
    context: "export",
    inherited: {},
    log,
  });
  warnOrStop(plan, log);
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
  io.stdout.on?.("error", (error: NodeJS.ErrnoException) => {
    if (error.code !== "EPIPE") log.error(`cannot write to stdout: ${error.code ?? error.message}`);
  });
  io.stdout.write(output.text);
  return ExitCode.OK;
});
