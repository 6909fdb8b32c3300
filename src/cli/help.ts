// --help for every command: the declarations, laid out by yargs (src/cli/define/yargs-help.ts).
// This module is imported only on the --help path, and yargs with it.
import yargs from "yargs";
import type { CommandDefinition } from "./define/command.js";
import { renderGroupHelp, renderHelp } from "./define/yargs-help.js";
import { EXIT_CODE_MEANING, type DocumentedExitCode } from "../core/exit-codes.js";

/** The shared table's text for --help (the README's Markdown backticks dropped). */
export function exitCodeMeaning(code: DocumentedExitCode): string {
  return EXIT_CODE_MEANING[code].replaceAll("`", "");
}

/** The terminal's width, or 80 when stdout is not a terminal (a pipe, a file, a test). */
export function helpWidth(stream: { isTTY?: boolean; columns?: number } = process.stdout): number {
  return stream.isTTY && stream.columns ? Math.max(40, stream.columns) : 80;
}

export function helpText(
  command: CommandDefinition,
  all: readonly CommandDefinition[],
  width = helpWidth(),
): Promise<string> {
  // The default command's help is the top-level one: it lists the other commands.
  return renderHelp(yargs, command, { width, commands: command.path.length === 0 ? all : [], exitCodeMeaning });
}

export async function printHelp(command: CommandDefinition, all: readonly CommandDefinition[]): Promise<number> {
  process.stdout.write(await helpText(command, all));
  return 0;
}

export async function printGroupHelp(
  prefix: readonly string[],
  commands: readonly CommandDefinition[],
): Promise<number> {
  process.stdout.write(await renderGroupHelp(yargs, prefix, commands, helpWidth()));
  return 0;
}
