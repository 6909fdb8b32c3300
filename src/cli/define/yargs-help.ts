// --help text from a command's declarations, laid out by yargs (the project's help renderer).
// yargs only renders here: parsing stays with yargs-parser (command.ts), so yargs (≈ 50 ms to
// load) is imported on the --help path only, by src/cli/help.ts. Every command's help has the
// same sections, in order: Usage and description, Commands (root and groups), Positionals,
// option groups, Examples, then the epilogue: notes and Exit codes.
import type { Argv } from "yargs";
import type { DocumentedExitCode } from "../../core/exit-codes.js";
import type { CommandDefinition } from "./command.js";
import type { AnyOption } from "./option.js";

export interface HelpContext {
  width: number;
  /** Listed under "Commands:" (the default command lists every other one). */
  commands?: readonly CommandDefinition[];
  /** Text of an exit code of the shared table. */
  exitCodeMeaning: (code: DocumentedExitCode) => string;
}

type YargsFactory = (args?: readonly string[]) => Argv;

/**
 * The label yargs prints is `--<key>`; as yargs never parses these words, the key also carries
 * what yargs has no field for: the value placeholder (`--env SLUG`) and `--[no-]name`.
 */
function optionKey(def: AnyOption): string {
  const name = def.kind === "boolean" && def.negatable ? `[no-]${def.name}` : def.name;
  if (def.kind === "choice" || def.kind === "boolean") return name;
  if (def.kind === "list" && def.bare) return `${name}${def.hint ?? "[=LIST]"}`;
  return `${name} ${def.hint ?? "VALUE"}`;
}

function optionDescription(def: AnyOption): string {
  return def.env === undefined ? def.description : `${def.description} (env: ${def.env})`;
}

function shownDefault(def: AnyOption): string | undefined {
  if (def.defaultText !== undefined) return def.defaultText;
  if (def.kind === "boolean" || def.defaultValue === undefined) return undefined;
  return String(def.defaultValue);
}

function usageText(command: CommandDefinition): string {
  const lines = command.usage ?? [
    [
      command.displayName,
      "[options]",
      ...command.positionals.map((p) => {
        const name = `<${p.name}>${p.variadic ? "..." : ""}`;
        return p.optional || p.variadic ? `[${name}]` : name;
      }),
      ...(command.rest ? ["--", command.rest.hint] : []),
    ].join(" "),
  ];
  return `Usage: ${lines.join("\n   or: ")}\n\n${command.description}`;
}

/** Greedy word wrap to lines of at most `width` (a longer word stays whole). */
function wrapWords(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = "";
  for (const word of text.split(" ")) {
    if (line !== "" && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else line = line === "" ? word : `${line} ${word}`;
  }
  return [...lines, line];
}

/** The exit-code table (the epilogue is free text to yargs, so its hanging indent is made here). */
function exitCodeRows(command: CommandDefinition, context: HelpContext): string {
  const rows = (command.exitCodes ?? []).map((row) =>
    typeof row === "object"
      ? ([String(row[0]), row[1]] as const)
      : ([String(row), context.exitCodeMeaning(row)] as const),
  );
  return [
    "Exit codes:",
    ...rows.map(
      ([code, text]) => `${code.padStart(5)}  ${wrapWords(text, context.width - 7).join(`\n${" ".repeat(7)}`)}`,
    ),
  ].join("\n");
}

/** A yargs instance describing `command`, for its help only. */
export function helpInstance(yargs: YargsFactory, command: CommandDefinition, context: HelpContext): Argv {
  const y = yargs([]).scriptName("secr-run").help(false).version(false).wrap(context.width).usage(usageText(command));
  for (const other of context.commands ?? []) {
    if (other !== command && !other.hidden) y.command(other.path.join(" "), other.summary);
  }
  for (const p of command.positionals) y.positional(p.name, { describe: p.description });
  for (const def of Object.values(command.options)) {
    if (def.hidden) continue;
    y.option(optionKey(def), {
      alias: def.alias,
      describe: optionDescription(def),
      group: `${def.group}:`,
      choices: def.choices === undefined ? undefined : [...def.choices],
      demandOption: def.required || undefined,
      defaultDescription: def.kind === "boolean" && def.negatable ? undefined : shownDefault(def),
    });
  }
  for (const [example, what] of command.examples ?? []) y.example(example, what);
  const epilogue = [...(command.notes ?? []), ...(command.exitCodes?.length ? [exitCodeRows(command, context)] : [])];
  if (epilogue.length > 0) y.epilogue(epilogue.join("\n\n"));
  return y;
}

export async function renderHelp(
  yargs: YargsFactory,
  command: CommandDefinition,
  context: HelpContext,
): Promise<string> {
  return `${await helpInstance(yargs, command, context).getHelp()}\n`;
}

/** Help of a word that only groups commands (`secr-run secrets` when `secrets list` exists). */
export async function renderGroupHelp(
  yargs: YargsFactory,
  prefix: readonly string[],
  commands: readonly CommandDefinition[],
  width: number,
): Promise<string> {
  const name = ["secr-run", ...prefix].join(" ");
  const y = yargs([])
    .scriptName("secr-run")
    .help(false)
    .version(false)
    .wrap(width)
    .usage(`Usage: ${name} <command> [options]`);
  for (const c of commands) y.command(c.path.join(" "), c.summary);
  y.epilogue(`See ${name} <command> --help.`);
  return `${await y.getHelp()}\n`;
}
