// The options reference of docs/guide/options.md, rendered from the same declarations as the
// parser and --help: one table per command, global options once. test/docs/options-reference.test.ts
// fails when the document and this rendering differ (and rewrites it with UPDATE_DOCS=1).
import type { CommandDefinition } from "./command.js";
import type { AnyOption } from "./option.js";

function label(def: AnyOption): string {
  const long = def.kind === "boolean" && def.negatable ? `--[no-]${def.name}` : `--${def.name}`;
  const value =
    def.kind === "boolean"
      ? ""
      : def.kind === "list" && def.bare
        ? (def.hint ?? "[=LIST]")
        : ` ${def.hint ?? (def.kind === "choice" ? def.choices!.join("|") : "VALUE")}`;
  return `${def.alias === undefined ? "" : `-${def.alias}, `}${long}${value}`;
}

function shownDefault(def: AnyOption): string | undefined {
  if (def.defaultText !== undefined) return def.defaultText;
  if (def.kind === "boolean" || def.defaultValue === undefined) return undefined;
  return String(def.defaultValue);
}

const cell = (text: string) => text.replace(/\|/g, "\\|");

function table(options: readonly AnyOption[]): string {
  const rows = options.map((def) => {
    const meaning = [def.description, def.kind === "choice" ? `one of: ${def.choices!.join(", ")}` : undefined]
      .filter(Boolean)
      .join("; ");
    const fallback = shownDefault(def);
    return `| \`${cell(label(def))}\` | ${def.env === undefined ? "" : `\`${def.env}\``} | ${fallback === undefined ? "" : `\`${cell(fallback)}\``} | ${cell(meaning)} |`;
  });
  return ["| Option | Environment | Default | Meaning |", "|---|---|---|---|", ...rows].join("\n");
}

/** Markdown: the global options, then each command's own (hidden options left out). */
export function optionsReference(commands: readonly CommandDefinition[], globals: readonly AnyOption[]): string {
  const isGlobal = new Set(globals);
  const sections = [
    `## Global options\n\nBefore or after a command's name: \`secr-run --env dev check\` is \`secr-run check --env dev\`.\n\n${table(globals.filter((def) => !def.hidden))}`,
  ];
  for (const command of commands) {
    const own = Object.values(command.options as Record<string, AnyOption>).filter(
      (def) => !def.hidden && !isGlobal.has(def),
    );
    const title = command.path.length === 0 ? "`secr-run [options] -- <command>` (run)" : `\`${command.displayName}\``;
    sections.push(`## ${title}\n\n${command.summary}.\n\n${own.length === 0 ? "No options of its own." : table(own)}`);
  }
  return `${sections.join("\n\n")}\n`;
}
