// `secr-run templates show KEY`: one key of the project's template, read-only.
import { ExitCode } from "../../../core/exit-codes.js";
import { Failure } from "../../../core/failure.js";
import { printableName } from "../../../plan/names.js";
import { printable } from "../../../config/trust.js";
import { settingFlags } from "../../options/globals.js";
import { templatesShowCommand } from "./command.js";
import { manageMain, printJson, scopeLabel } from "../../manage/command-main.js";
import type { Io } from "../../frame.js";
import { withSecr } from "../../manage/session.js";
import { view } from "./list.js";

const NEEDS = ["org", "project"] as const;

export function main(args: string[], io?: Io): Promise<number> {
  return manageMain(args, io, async ({ io, settings: load }) => {
    const { options, args: positional } = templatesShowCommand.parse(args);
    const settings = load(settingFlags(options), NEEDS);
    const where = scopeLabel(settings, NEEDS);
    const templates = await withSecr(settings, { where, write: false }, ({ client, signal }) =>
      client.listTemplates(settings.org, settings.project, { signal }),
    );
    const template = templates.find((t) => t.key === positional.key);
    if (template === undefined)
      throw new Failure(
        ExitCode.CONFIG,
        `no template key ${printableName(positional.key)} in ${where} (see secr-run templates list)`,
      );
    if (options.json) printJson(io, view(template));
    else {
      io.stdout.write(
        [
          `key: ${printableName(template.key)}`,
          `required: ${template.required ? "yes" : "no"}`,
          `description: ${printable(template.description ?? "")}`,
          `created: ${printable(template.createdAt)}`,
        ].join("\n") + "\n",
      );
    }
    return ExitCode.OK;
  });
}
