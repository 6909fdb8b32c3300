// `secr-run templates list`: the project's template, read-only.
import type { Template } from "../../../client/schemas.js";
import { ExitCode } from "../../../core/exit-codes.js";
import { printableName } from "../../../plan/names.js";
import { printable } from "../../../config/trust.js";
import { settingFlags } from "../../options/globals.js";
import { templatesListCommand } from "./command.js";
import { manageMain, printJson, printTable, scopeLabel } from "../../manage/command-main.js";
import type { Io } from "../../frame.js";
import { withSecr } from "../../manage/session.js";

const NEEDS = ["org", "project"] as const;

export const view = ({ key, required, description, createdAt }: Template) => ({
  key,
  required,
  description,
  createdAt,
});

export function main(args: string[], io?: Io): Promise<number> {
  return manageMain(args, io, async ({ io, settings: load }) => {
    const { options } = templatesListCommand.parse(args);
    const settings = load(settingFlags(options), NEEDS);
    const where = scopeLabel(settings, NEEDS);
    const templates = await withSecr(settings, { where, write: false }, ({ client, signal }) =>
      client.listTemplates(settings.org, settings.project, { signal }),
    );
    if (options.json) printJson(io, { org: settings.org, project: settings.project, templates: templates.map(view) });
    else if (templates.length === 0)
      io.stderr.write(`secr-run: ${where} has no template keys (add one: secr-run templates set KEY)\n`);
    else
      printTable(io, [
        ["KEY", "REQUIRED", "DESCRIPTION"],
        ...templates.map((t) => [
          printableName(t.key),
          t.required ? "required" : "optional",
          printable(t.description ?? ""),
        ]),
      ]);
    return ExitCode.OK;
  });
}
