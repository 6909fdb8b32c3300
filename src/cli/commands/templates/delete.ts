// `secr-run templates delete KEY`: remove one key from the project's template.
import { ExitCode } from "../../../core/exit-codes.js";
import { Failure } from "../../../core/failure.js";
import { printableName } from "../../../plan/names.js";
import { settingFlags } from "../../options/globals.js";
import { templatesDeleteCommand } from "./command.js";
import { manageMain, printJson, scopeLabel } from "../../manage/command-main.js";
import type { Io } from "../../frame.js";
import { confirm } from "../../manage/confirm.js";
import { withSecr } from "../../manage/session.js";

const NEEDS = ["org", "project"] as const;

export function main(args: string[], io?: Io): Promise<number> {
  return manageMain(args, io, async ({ io, settings: load }) => {
    const { options, args: positional } = templatesDeleteCommand.parse(args);
    const settings = load(settingFlags(options), NEEDS);
    const where = scopeLabel(settings, NEEDS);
    const { key } = positional;
    // As `secrets delete`: before any request, a script without --yes fails the same way whatever the server holds.
    if (!options.yes && !process.stdin.isTTY)
      throw new Failure(
        ExitCode.USAGE,
        `not removing ${printableName(key)} from the template of ${where} without confirmation: pass --yes`,
      );
    const result = await withSecr(settings, { where, write: true }, async ({ client, signal }) => {
      // A missing key is named as such, not as a wrong org or project.
      const templates = await client.listTemplates(settings.org, settings.project, { signal });
      if (!templates.some((t) => t.key === key))
        throw new Failure(
          ExitCode.CONFIG,
          `no template key ${printableName(key)} in ${where} (see secr-run templates list)`,
        );
      if (!(await confirm(`remove ${printableName(key)} from the template of ${where}?`, { yes: options.yes })))
        return undefined;
      return client.deleteTemplate(settings.org, settings.project, key, { signal });
    });
    if (result === undefined) {
      io.stderr.write("secr-run: nothing was removed\n");
      return ExitCode.OK;
    }
    if (options.json) printJson(io, { deleted: result.key });
    else io.stdout.write(`removed from the template of ${where}: ${printableName(result.key)}\n`);
    return ExitCode.OK;
  });
}
