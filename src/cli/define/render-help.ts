// --help text from a command's declarations. Pure: the caller gives the width (the terminal's,
// or 80 when stdout is not a terminal). Every command's help has the same sections, in order:
// Usage, description, Commands (root and groups), option groups, Examples, notes, Exit codes.
import type { DocumentedExitCode } from "../exit-codes.js";
import type { AnyOption } from "./option.js";
import type { CommandDefinition } from "./command.js";

export interface HelpContext {
  width: number;
  /** Listed under "Commands:" (the default command lists every other one). */
  commands?: readonly CommandDefinition[];
  /** Text of an exit code of the shared table. */
  exitCodeMeaning: (code: DocumentedExitCode) => string;
}

/** Greedy word wrap; `indent` starts every line but the first. A word longer than the line stays whole. */
export function wrap(text: string, width: number, indent = 0): string {
  const lines: string[] = [];
  for (const paragraph of text.split("\n")) {
    const lead = /^ */.exec(paragraph)![0];
    let line = lines.length === 0 ? lead : " ".repeat(indent) + lead;
    let empty = true;
    for (const word of paragraph.trim().split(/ +/)) {
      if (!empty && line.length + 1 + word.length > width) {
        lines.push(line);
        line = " ".repeat(indent) + word;
      } else {
        line = empty ? line + word : `${line} ${word}`;
      }
      empty = false;
    }
    lines.push(line);
  }
  return lines.join("\n");
}

/** Two columns: `left` padded to `column`, `right` wrapped beside it (below when `left` is too long). */
function twoColumns(rows: ReadonlyArray<readonly [string, string]>, width: number, maxColumn = 30): string[] {
  const column = Math.min(maxColumn, Math.max(...rows.map(([left]) => left.length))) + 2;
  const out: string[] = [];
  for (const [left, right] of rows) {
    const body = wrap(right, Math.max(20, width - column)).split("\n");
    if (left.length + 2 > column) {
      out.push(left);
      out.push(...body.map((line) => " ".repeat(column) + line));
    } else {
      out.push(left.padEnd(column) + body[0]);
      out.push(...body.slice(1).map((line) => " ".repeat(column) + line));
    }
  }
  return out;
}

function optionLabel(def: AnyOption): string {
  const short = def.alias === undefined ? "    " : `-${def.alias}, `;
  const long = def.kind === "boolean" && def.negatable ? `--[no-]${def.name}` : `--${def.name}`;
  let value = "";
  if (def.kind === "choice") value = ` ${def.choices!.join("|")}`;
  else if (def.kind === "list" && def.bare) value = def.hint ?? "[=LIST]";
  else if (def.kind !== "boolean") value = ` ${def.hint ?? "VALUE"}`;
  return `  ${short}${long}${value}`;
}

function optionText(def: AnyOption): string {
  const parts = [def.description];
  if (def.env !== undefined) parts.push(`(env: ${def.env})`);
  if (def.required) parts.push("[required]");
  const shownDefault = def.defaultText ?? (def.kind === "boolean" || def.defaultValue === undefined ? undefined : String(def.defaultValue));
  if (shownDefault !== undefined && !(def.kind === "boolean" && def.negatable)) parts.push(`[default: ${shownDefault}]`);
  return parts.join(" ");
}

function usageLines(command: CommandDefinition): string[] {
  if (command.usage !== undefined) return [...command.usage];
  const positionals = command.positionals.map((p) => {
    const name = `<${p.name}>${p.variadic ? "..." : ""}`;
    return p.optional || p.variadic ? `[${name}]` : name;
  });
  return [[command.displayName, "[options]", ...positionals, ...(command.rest ? ["--", command.rest.hint] : [])].join(" ")];
}

export function renderHelp(command: CommandDefinition, context: HelpContext): string {
  const { width } = context;
  const sections: string[] = [];
  const usage = usageLines(command);
  sections.push(usage.map((line, i) => `${i === 0 ? "Usage: " : "       "}${line}`).join("\n"));
  sections.push(wrap(command.description, width));

  const others = (context.commands ?? []).filter((c) => c !== command && !c.hidden);
  if (others.length > 0) {
    const rows = others.map((c) => [`  ${c.path.join(" ")}`, c.summary] as const);
    sections.push(["Commands:", ...twoColumns(rows, width, 20)].join("\n"));
  }

  const visible = Object.values(command.options).filter((def) => !def.hidden);
  const groups = [...new Set(visible.map((def) => def.group))];
  // Labels line up across groups, so one column width for all of them.
  const column = Math.min(30, Math.max(...visible.map((def) => optionLabel(def).length)));
  for (const group of groups) {
    const rows = visible.filter((def) => def.group === group).map((def) => [optionLabel(def).padEnd(column), optionText(def)] as const);
    sections.push([`${group}:`, ...twoColumns(rows, width)].join("\n"));
  }
  if (command.positionals.length > 0) {
    const rows = command.positionals.map((p) => [`  <${p.name}>`, p.description] as const);
    sections.push(["Arguments:", ...twoColumns(rows, width)].join("\n"));
  }

  if (command.examples !== undefined && command.examples.length > 0) {
    const lines = ["Examples:"];
    for (const [example, what] of command.examples) {
      lines.push(wrap(`  ${example}`, width, 4));
      lines.push(wrap(`      ${what}`, width, 6));
    }
    sections.push(lines.join("\n"));
  }

  for (const note of command.notes ?? []) sections.push(wrap(note, width));

  if (command.exitCodes !== undefined && command.exitCodes.length > 0) {
    const rows = command.exitCodes.map((row) =>
      typeof row === "object" ? ([`  ${String(row[0]).padStart(3)}`, row[1]] as const) : ([`  ${String(row).padStart(3)}`, context.exitCodeMeaning(row)] as const),
    );
    sections.push(["Exit codes:", ...twoColumns(rows, width, 5)].join("\n"));
  }
  return `${sections.join("\n\n")}\n`;
}

/** Help of a word that only groups commands (`secr-run secrets` when `secrets list` exists). */
export function renderGroupHelp(prefix: readonly string[], commands: readonly CommandDefinition[], width: number): string {
  const name = ["secr-run", ...prefix].join(" ");
  const rows = commands.map((c) => [`  ${c.path.join(" ")}`, c.summary] as const);
  return `Usage: ${name} <command> [options]\n\n${["Commands:", ...twoColumns(rows, width, 24)].join("\n")}\n\nSee ${name} <command> --help.\n`;
}
