// `secr-run templates list` and `templates show KEY`: the project's template, read-only.
import type { Template } from "../../../client/schemas.js";
import { ExitCode } from "../../../core/exit-codes.js";
import { Failure } from "../../../core/failure.js";
import { printableName } from "../../../plan/names.js";
import { printable } from "../../../config/trust.js";
import { settingFlags } from "../../options/globals.js";
import { templatesListCommand, templatesShowCommand } from "./command.js";
import { manageMain, printJson, printTable, scopeLabel } from "../../manage/command-main.js";
import { withSecr } from "../../manage/session.js";

const NEEDS = ["org", "project"] as const;

const view = ({ key, required, description, createdAt }: Template) => ({ key, required, description, createdAt });

export function main(args: string[]): Promise<number> {
  return manageMain(args, async ({ settings: load }) => {
    const { options } = templatesListCommand.parse(args);
    const settings = load(settingFlags(options), NEEDS);
    const where = scopeLabel(settings, NEEDS);
    const templates = await withSecr(settings, { where, write: false }, ({ client, signal }) => client.listTemplates(settings.org, settings.project, { signal }));
    if (options.json) printJson({ org: settings.org, project: settings.project, templates: templates.map(view) });
    else if (templates.length === 0) process.stderr.write(`secr-run: ${where} has no template keys (add one: secr-run templates set KEY)\n`);
    else printTable([["KEY", "REQUIRED", "DESCRIPTION"], ...templates.map((t) => [printableName(t.key), t.required ? "required" : "optional", printable(t.description ?? "")])]);
    return ExitCode.OK;
  });
}

export function show(args: string[]): Promise<number> {
  return manageMain(args, async ({ settings: load }) => {
    const { options, args: positional } = templatesShowCommand.parse(args);
    const settings = load(settingFlags(options), NEEDS);
    const where = scopeLabel(settings, NEEDS);
    const templates = await withSecr(settings, { where, write: false }, ({ client, signal }) => client.listTemplates(settings.org, settings.project, { signal }));
    const template = templates.find((t) => t.key === positional.key);
    if (template === undefined) throw new Failure(ExitCode.CONFIG, `no template key ${printableName(positional.key)} in ${where} (see secr-run templates list)`);
    if (options.json) printJson(view(template));
    else {
      process.stdout.write(
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
