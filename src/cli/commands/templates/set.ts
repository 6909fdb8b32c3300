// `secr-run templates set`: register one KEY or every entry of --file. The API can only create
// and delete template keys, so a changed key is deleted and registered again.
import { readFile } from "node:fs/promises";
import { ExitCode } from "../../../core/exit-codes.js";
import { Failure } from "../../../core/failure.js";
import { printableName } from "../../../plan/names.js";
import { settingFlags } from "../../options/globals.js";
import { templatesSetCommand } from "./command.js";
import { manageMain, printJson, scopeLabel } from "../../manage/command-main.js";
import type { Io } from "../../frame.js";
import { parseTemplateFile, planTemplates, type TemplateEntry } from "./template-file.js";
import { withSecr } from "../../manage/session.js";

const NEEDS = ["org", "project"] as const;

async function entriesFrom(
  options: { file: string | undefined; optional: boolean; description: string | undefined },
  key: string | undefined,
): Promise<TemplateEntry[]> {
  if (options.file !== undefined) {
    if (key !== undefined || options.optional || options.description !== undefined) {
      throw templatesSetCommand.usageError(
        "--file takes its keys, descriptions and required flags from the file: give no KEY, --optional or --description",
      );
    }
    let text: string;
    try {
      text = await readFile(options.file, "utf8");
    } catch (error) {
      throw new Failure(
        ExitCode.USAGE,
        `--file: cannot read ${JSON.stringify(options.file)} (${(error as NodeJS.ErrnoException).code ?? "error"})`,
      );
    }
    return parseTemplateFile(text, JSON.stringify(options.file));
  }
  if (key === undefined) throw templatesSetCommand.usageError("missing KEY (or --file)");
  return [{ key, description: options.description ?? null, required: !options.optional }];
}

export function main(args: string[], io?: Io): Promise<number> {
  return manageMain(args, io, async ({ io, settings: load }) => {
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
    if (options.json) printJson(io, { created: of("create"), replaced: of("replace"), unchanged: of("unchanged") });
    else {
      const lines = (["create", "replace", "unchanged"] as const)
        .map((kind) => [kind, of(kind)] as const)
        .filter(([, keys]) => keys.length > 0)
        .map(
          ([kind, keys]) =>
            `${{ create: "added", replace: "changed", unchanged: "unchanged" }[kind]} in ${where}: ${keys.map(printableName).join(", ")}`,
        );
      io.stdout.write(`${lines.join("\n")}\n`);
    }
    return ExitCode.OK;
  });
}
