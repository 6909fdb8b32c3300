// --help for every command, rendered from its declarations (src/cli/define/render-help.ts).
// Light on purpose: no client, undici or execa.
import type { CommandDefinition } from "./define/command.js";
import { renderGroupHelp, renderHelp } from "./define/render-help.js";
import { EXIT_CODE_MEANING, type DocumentedExitCode } from "./exit-codes.js";

/** The shared table's text for --help (the README's Markdown backticks dropped). */
export function exitCodeMeaning(code: DocumentedExitCode): string {
  return EXIT_CODE_MEANING[code].replaceAll("`", "");
}

/** The terminal's width, or 80 when stdout is not a terminal (a pipe, a file, a test). */
export function helpWidth(stream: { isTTY?: boolean; columns?: number } = process.stdout): number {
  return stream.isTTY && stream.columns ? Math.max(40, stream.columns) : 80;
}

export function helpText(command: CommandDefinition, all: readonly CommandDefinition[], width = helpWidth()): string {
  // The default command's help is the top-level one: it lists the other commands.
  return renderHelp(command, { width, commands: command.path.length === 0 ? all : [], exitCodeMeaning });
}

export function printHelp(command: CommandDefinition, all: readonly CommandDefinition[]): number {
  process.stdout.write(helpText(command, all));
  return 0;
}

export function printGroupHelp(prefix: readonly string[], commands: readonly CommandDefinition[]): number {
  process.stdout.write(renderGroupHelp(prefix, commands, helpWidth()));
  return 0;
}
