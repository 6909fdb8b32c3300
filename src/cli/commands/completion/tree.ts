// What a completion script offers, from the command registry: for each command path, the words
// that may follow it (subcommands) and its options. Pure; one shell-specific renderer per file.
import type { CommandDefinition } from "../../define/command.js";
import type { AnyOption } from "../../define/option.js";

export interface CompletionNode {
  /** "" for the top level, "secrets", "admin tokens". */
  path: string;
  /** Words that may follow: subcommands and groups. */
  words: string[];
  /** Visible options of the command at this path (none for a group word alone). */
  options: AnyOption[];
  /** Fixed values of the command's first positional (`completion bash`), offered until one is typed. */
  values: string[];
}

export interface CompletionTree {
  nodes: CompletionNode[];
  /** Option words that take the next word as their value (`--env`, `-e`). */
  valueOptions: string[];
  /** Option words with a fixed set of values, under the path of the command that declares them. */
  choices: Array<{ path: string; words: string[]; values: readonly string[] }>;
}

function optionWords(def: AnyOption): string[] {
  return [`--${def.name}`, ...(def.alias === undefined ? [] : [`-${def.alias}`])];
}

export function completionTree(commands: readonly CommandDefinition[]): CompletionTree {
  const paths = new Set<string>([""]);
  for (const command of commands)
    for (let depth = 1; depth <= command.path.length; depth++) paths.add(command.path.slice(0, depth).join(" "));
  const visible = commands.filter((c) => !c.hidden);
  const nodes = [...paths].map((path) => {
    const depth = path === "" ? 0 : path.split(" ").length;
    const words = new Set<string>();
    for (const c of visible)
      if (c.path.length > depth && c.path.slice(0, depth).join(" ") === path) words.add(c.path[depth]!);
    const command = commands.find((c) => c.path.join(" ") === path);
    const options = command === undefined ? [] : Object.values(command.options).filter((def) => !def.hidden);
    return { path, words: [...words], options, values: [...(command?.positionals[0]?.choices ?? [])] };
  });
  const all = commands.flatMap((c) => Object.values(c.options));
  const valueOptions = [...new Set(all.filter((def) => def.kind !== "boolean" && !def.bare).flatMap(optionWords))];
  const choices = nodes.flatMap((node) =>
    node.options
      .filter((def) => def.choices !== undefined)
      .map((def) => ({ path: node.path, words: optionWords(def), values: def.choices! })),
  );
  return { nodes, valueOptions, choices };
}

/** A word as it may appear in a generated script: letters, digits and a few safe marks only. */
export function safeWord(word: string): string {
  if (!/^[A-Za-z0-9_.:=+\-[\]]+$/.test(word)) throw new Error(`completion: unexpected word ${JSON.stringify(word)}`);
  return word;
}
