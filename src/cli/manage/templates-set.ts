// `secr-run templates set`: register one KEY or every entry of --file. The API can only create
// and delete template keys, so a changed key is deleted and registered again.
import { readFile } from "node:fs/promises";
import { ExitCode } from "../exit-codes.js";
import { Failure } from "../failure.js";
import { printableName } from "../../launcher/names.js";
import { settingFlags } from "../commands/globals.js";
import { templatesDeleteCommand, templatesSetCommand } from "../commands/templates.js";
import { manageMain, printJson, scopeLabel } from "./command-main.js";
import { confirm } from "./confirm.js";
import { parseTemplateFile, planTemplates, type TemplateEntry } from "./template-file.js";
import { withSecr } from "./session.js";

const NEEDS = ["org", "project"] as const;

async function entriesFrom(options: { file: string | undefined; optional: boolean; description: string | undefined }, key: string | undefined): Promise<TemplateEntry[]> {
  if (options.file !== undefined) {
    if (key !== undefined || options.optional || options.description !== undefined) {
      throw templatesSetCommand.usageError("--file takes its keys, descriptions and required flags from the file: give no KEY, --optional or --description");
    }
    let text: string;
    try {
      text = await readFile(options.file, "utf8");
    } catch (error) {
      throw new Failure(ExitCode.USAGE, `--file: cannot read ${JSON.stringify(options.file)} (${(error as NodeJS.ErrnoException).code ?? "error"})`);
    }
    return parseTemplateFile(text, JSON.stringify(options.file));
  }
  if (key === undefined) throw templatesSetCommand.usageError("missing KEY (or --file)");
  return [{ key, description: options.description ?? null, required: !options.optional }];
}

export function main(args: string[]): Promise<number> {
  return manageMain(args, async ({ settings: load }) => {
    const { options, args: positional } = templatesSetCommand.parse(args);
    const entries = await entriesFrom(options, positional.key);
    const settings = load(settingFlags(options), NEEDS);
    const where = scopeLabel(settings, NEEDS);
    const changes = await withSecr(settings, { where, write: true }, async ({ client, signal }) => {
      const plan = planTemplates(entries, await client.listTemplates(settings.org, settings.project, { signal }));
      for (const { kind, entry } of plan) {
        if (kind === "unchanged") continue;
        if (kind === "replace") await client.deleteTemplate(settings.org, settings.project, entry.key, { signal });
        await client.createTemplate(settings.org, settings.project, entry.key, {
          signal,
          required: entry.required,
          ...(entry.description === null ? {} : { description: entry.description }),
        });
      }
      return plan;
    });
    const of = (kind: string) => changes.filter((c) => c.kind === kind).map((c) => c.entry.key);
    if (options.json) printJson({ created: of("create"), replaced: of("replace"), unchanged: of("unchanged") });
    else {
      const lines = (["create", "replace", "unchanged"] as const)
        .map((kind) => [kind, of(kind)] as const)
        .filter(([, keys]) => keys.length > 0)
        .map(([kind, keys]) => `${{ create: "added", replace: "changed", unchanged: "unchanged" }[kind]} in ${where}: ${keys.map(printableName).join(", ")}`);
      process.stdout.write(`${lines.join("\n")}\n`);
    }
    return ExitCode.OK;
  });
}

export function remove(args: string[]): Promise<number> {
  return manageMain(args, async ({ settings: load }) => {
    const { options, args: positional } = templatesDeleteCommand.parse(args);
    const settings = load(settingFlags(options), NEEDS);
    const where = scopeLabel(settings, NEEDS);
    const { key } = positional;
    // As `secrets delete`: before any request, a script without --yes fails the same way whatever the server holds.
    if (!options.yes && !process.stdin.isTTY) throw new Failure(ExitCode.USAGE, `not removing ${printableName(key)} from the template of ${where} without confirmation: pass --yes`);
    const result = await withSecr(settings, { where, write: true }, async ({ client, signal }) => {
      // A missing key is named as such, not as a wrong org or project.
      const templates = await client.listTemplates(settings.org, settings.project, { signal });
      if (!templates.some((t) => t.key === key)) throw new Failure(ExitCode.CONFIG, `no template key ${printableName(key)} in ${where} (see secr-run templates list)`);
      if (!(await confirm(`remove ${printableName(key)} from the template of ${where}?`, { yes: options.yes }))) return undefined;
      return client.deleteTemplate(settings.org, settings.project, key, { signal });
    });
    if (result === undefined) {
      process.stderr.write("secr-run: nothing was removed\n");
      return ExitCode.OK;
    }
    if (options.json) printJson({ deleted: result.key });
    else process.stdout.write(`removed from the template of ${where}: ${printableName(result.key)}\n`);
    return ExitCode.OK;
  });
}
