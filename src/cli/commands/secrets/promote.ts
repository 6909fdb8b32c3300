// `secr-run secrets promote --from ENV --to ENV`: the server copies; nothing passes through here.
import { ExitCode } from "../../../core/exit-codes.js";
import { settingFlags } from "../../options/globals.js";
import { secretsPromoteCommand } from "./command.js";
import { manageMain, printJson, scopeLabel } from "../../manage/command-main.js";
import type { Io } from "../../frame.js";
import { withSecr } from "../../manage/session.js";

const NEEDS = ["org", "project"] as const;

export function main(args: string[], io?: Io): Promise<number> {
  return manageMain(args, io, async ({ io, settings: load }) => {
    const { options } = secretsPromoteCommand.parse(args);
    if (options.from === options.to)
      throw secretsPromoteCommand.usageError("--from and --to name the same environment");
    const settings = load(settingFlags(options), NEEDS);
    const where = scopeLabel(settings, NEEDS);
    const result = await withSecr(settings, { where: `${where}/${options.to}`, write: true }, ({ client, signal }) =>
      client.promoteSecrets(settings.org, settings.project, {
        fromEnv: options.from,
        toEnv: options.to,
        signal,
        ...(options.keys === undefined ? {} : { keys: options.keys }),
        overwrite: options.overwrite,
      }),
    );
    if (options.json) printJson(io, result);
    else {
      io.stdout.write(
        `promoted ${result.promoted} from ${where}/${options.from} to ${options.to}: ${result.created} created, ${result.updated} updated, ${result.skipped} skipped` +
          (result.skipped > 0 && !options.overwrite ? " (existing keys; --overwrite to update them)" : "") +
          "\n",
      );
    }
    return ExitCode.OK;
  });
}
