// `secr-run secrets import FILE|-`: many secrets in one atomic bulk request. --dry-run compares
// with the keys route (names only), says what each value would be (length, notes; never the
// value) and sends nothing that changes data. What the dotenv rules change is said, never silent.
import { readFile } from "node:fs/promises";
import { ExitCode } from "../../../core/exit-codes.js";
import { Failure } from "../../../core/failure.js";
import { printableName } from "../../../plan/names.js";
import { settingFlags } from "../../options/globals.js";
import { secretsImportCommand } from "./command.js";
import { manageMain, printJson, scopeLabel } from "../../manage/command-main.js";
import type { Io } from "../../frame.js";
import { formatFor, parseImport, planImport } from "./import-file.js";
import { listAllKeys } from "./keys.js";
import { valueFromBytes } from "./read-value.js";
import { withSecr } from "../../manage/session.js";

const NEEDS = ["org", "project", "env"] as const;

async function readInput(file: string): Promise<string> {
  if (file === "-") {
    if (process.stdin.isTTY)
      throw new Failure(ExitCode.USAGE, "import - reads stdin, which is a terminal: pipe a file in, or name it");
    const chunks: Buffer[] = [];
    for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
    return valueFromBytes(Buffer.concat(chunks), "stdin");
  }
  try {
    return valueFromBytes(await readFile(file), JSON.stringify(file));
  } catch (error) {
    if (error instanceof Failure) throw error;
    throw new Failure(
      ExitCode.USAGE,
      `cannot read ${JSON.stringify(file)} (${(error as NodeJS.ErrnoException).code ?? "error"})`,
    );
  }
}

const names = (keys: readonly string[]) => keys.map(printableName).join(", ");

export function main(args: string[], io?: Io): Promise<number> {
  return manageMain(args, io, async ({ io, settings: load, log }) => {
    const { options, args: positional } = secretsImportCommand.parse(args);
    const settings = load(settingFlags(options), NEEDS);
    const where = scopeLabel(settings, NEEDS);
    const from = positional.file === "-" ? "stdin" : JSON.stringify(positional.file);
    const format = options.format ?? (positional.file === "-" ? "dotenv" : formatFor(positional.file));
    const entries = parseImport(await readInput(positional.file), format, from);
    log.redact(entries.map((entry) => entry.value));

    if (options.dryRun) {
      const existing = await withSecr(settings, { where, write: false }, ({ client, signal }) =>
        listAllKeys(client, settings.org, settings.project, settings.env, signal),
      );
      const plan = planImport(
        entries,
        existing.map((meta) => meta.key),
      );
      if (options.json)
        printJson(io, { dryRun: true, create: plan.create, update: plan.update, entries: plan.entries });
      else {
        const lines = [
          `dry run: ${entries.length} entr${entries.length === 1 ? "y" : "ies"} for ${where}; nothing was changed`,
        ];
        if (plan.create.length > 0) lines.push(`would create ${plan.create.length}: ${names(plan.create)}`);
        if (plan.update.length > 0) lines.push(`would update ${plan.update.length}: ${names(plan.update)}`);
        for (const entry of plan.entries) {
          const length = `${entry.characters} character${entry.characters === 1 ? "" : "s"}`;
          lines.push(
            `  ${entry.action} ${printableName(entry.key)}: ${length}${entry.notes.length > 0 ? `; ${entry.notes.join("; ")}` : ""}`,
          );
        }
        io.stdout.write(`${lines.join("\n")}\n`);
      }
      return ExitCode.OK;
    }

    for (const { key, notes } of entries) for (const note of notes) log.warn(`${from}: ${printableName(key)}: ${note}`);
    const result = await withSecr(settings, { where, write: true }, ({ client, signal }) =>
      client.bulkSetSecrets(settings.org, settings.project, settings.env, entries, { signal }),
    );
    if (options.json) printJson(io, result);
    else
      io.stdout.write(`imported ${result.total} into ${where}: ${result.created} created, ${result.updated} updated\n`);
    return ExitCode.OK;
  });
}
