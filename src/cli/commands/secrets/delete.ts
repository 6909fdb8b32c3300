// `secr-run secrets delete KEY...`: asks on a terminal, needs --yes otherwise. Every key is
// checked to exist first, so a typo in the third key deletes nothing.
import { ExitCode } from "../../../core/exit-codes.js";
import { Failure } from "../../../core/failure.js";
import { printableName } from "../../../plan/names.js";
import { settingFlags } from "../../options/globals.js";
import { secretsDeleteCommand } from "./command.js";
import { manageMain, printJson, scopeLabel } from "../../manage/command-main.js";
import type { Io } from "../../frame.js";
import { confirm } from "../../manage/confirm.js";
import { listAllKeys } from "./keys.js";
import { withSecr } from "../../manage/session.js";

const NEEDS = ["org", "project", "env"] as const;

export function main(args: string[], io?: Io): Promise<number> {
  return manageMain(args, io, async ({ io, settings: load }) => {
    const { options, args: positional } = secretsDeleteCommand.parse(args);
    const keys = [...new Set(positional.keys)];
    if (keys.length === 0) throw secretsDeleteCommand.usageError("missing the keys to delete");
    const settings = load(settingFlags(options), NEEDS);
    const where = scopeLabel(settings, NEEDS);
    const shown = keys.map(printableName).join(", ");
    // Before any request: a script without --yes fails the same way whatever the server holds.
    if (!options.yes && !process.stdin.isTTY)
      throw new Failure(ExitCode.USAGE, `not deleting ${shown} from ${where} without confirmation: pass --yes`);

    const deleted = await withSecr(settings, { where, write: true }, async ({ client, signal }) => {
      const existing = new Set(
        (await listAllKeys(client, settings.org, settings.project, settings.env, signal)).map((meta) => meta.key),
      );
      const missing = keys.filter((key) => !existing.has(key));
      if (missing.length > 0)
        throw new Failure(
          ExitCode.CONFIG,
          `not in ${where}: ${missing.map(printableName).join(", ")}; nothing was deleted`,
        );
      if (!(await confirm(`delete ${shown} from ${where}?`, { yes: options.yes }))) return undefined;
      const done: string[] = [];
      for (const key of keys) {
        await client.deleteSecret(settings.org, settings.project, settings.env, key, { signal });
        done.push(key);
      }
      return done;
    });
    if (deleted === undefined) {
      io.stderr.write("secr-run: nothing was deleted\n");
      return ExitCode.OK;
    }
    if (options.json) printJson(io, { deleted });
    else io.stdout.write(`deleted from ${where}: ${deleted.map(printableName).join(", ")}\n`);
    return ExitCode.OK;
  });
}
