// Which command a command line asks for. Pure: main.ts loads and runs what this decides.
//
// Global options (--env, --org, ..., -v, -q) may come before or after the command's name, so the
// words before the name are scanned with the declarations (to know which option takes the next
// word as its value). Commands are found by path, longest match first: `secrets list` can be
// registered next to `check` without changing this file. Nothing after the first `--` is looked at.
import { GLOBAL_DEFINITIONS } from "./options/globals.js";
import { splitAtDoubleDash, type CommandDefinition } from "./define/command.js";
import type { AnyOption } from "./define/option.js";
import { closest } from "../core/suggest.js";

export type Dispatch =
  | { kind: "version" }
  | { kind: "help"; command: CommandDefinition }
  | { kind: "group-help"; prefix: string[]; commands: CommandDefinition[] }
  | { kind: "run"; command: CommandDefinition; args: string[] }
  | { kind: "usage"; message: string };

/** The default command's name: optional, so a program is never mistaken for a command. */
export const RUN_WORD = "run";

// Only a command's name is ever echoed from argv: the words after it may hold a token.

function takesValue(def: AnyOption | undefined): boolean {
  return def !== undefined && def.kind !== "boolean" && !def.bare;
}

/** The declaration an option word names (`--env`, `--env=x`, `-e`, the last of `-ve`), if known. */
function lookup(word: string, known: readonly AnyOption[]): AnyOption | undefined {
  if (word.startsWith("--")) {
    const name = word.slice(2).split("=")[0]!;
    return known.find((def) => def.name === name || (def.kind === "boolean" && name === `no-${def.name}`));
  }
  return known.find((def) => def.alias === word.at(-1));
}

function isOption(word: string): boolean {
  return word.startsWith("-") && word !== "-";
}

/** `-e`, `--env` (not `--env=x`, `-eX`): the next word is the value. */
function consumesNext(word: string, def: AnyOption | undefined): boolean {
  if (!takesValue(def)) return false;
  return word.startsWith("--") ? !word.includes("=") : word.length >= 2 && word.at(-1) === def!.alias;
}

/** Every command's name, for messages. */
function names(commands: readonly CommandDefinition[]): string[] {
  return commands.filter((c) => c.path.length > 0 && !c.hidden).map((c) => c.path.join(" "));
}

export function dispatch(args: readonly string[], commands: readonly CommandDefinition[]): Dispatch {
  const { before, after } = splitAtDoubleDash(args);
  const root = commands.find((c) => c.path.length === 0);
  if (root === undefined) throw new Error("no default command registered");
  if (before.includes("--version") || before.includes("-V")) return { kind: "version" };
  const wantsHelp = before.includes("--help") || before.includes("-h");

  // Options before the command's name: the globals, or (no name) the default command's.
  const scanSet = [...new Set<AnyOption>([...GLOBAL_DEFINITIONS, ...Object.values(root.options)])];
  const pre: string[] = [];
  let i = 0;
  for (; i < before.length && isOption(before[i]!); i++) {
    const word = before[i]!;
    pre.push(word);
    if (consumesNext(word, lookup(word, scanSet)) && i + 1 < before.length) pre.push(before[++i]!);
  }
  const positional = before.slice(i);
  const withRest = (words: string[]) => (after === undefined ? words : [...words, "--", ...after]);

  if (positional.length === 0) {
    if (wantsHelp) return { kind: "help", command: root };
    return { kind: "run", command: root, args: withRest(pre) };
  }

  // `run` names the default command: `secr-run run [options] -- cmd` is `secr-run [options] -- cmd`.
  if (positional[0] === RUN_WORD)
    return wantsHelp
      ? { kind: "help", command: root }
      : { kind: "run", command: root, args: withRest([...pre, ...positional.slice(1)]) };
  const isHelpWord = positional[0] === "help";
  const words = isHelpWord ? positional.slice(1).filter((w) => !isOption(w)) : positional;
  if (isHelpWord && (words.length === 0 || (words.length === 1 && words[0] === RUN_WORD)))
    return { kind: "help", command: root };
  const found = findCommand(words, commands);
  if (found.kind === "usage" || found.kind === "group-help") {
    // An option unknown to the scan may have swallowed nothing and left its value here
    // (`--bogus value`): let the default command report the option, which is the first problem.
    if (!isHelpWord && found.kind === "usage" && pre.some((w) => lookup(w, scanSet) === undefined))
      return { kind: "run", command: root, args: withRest([...pre, ...positional]) };
    if (found.kind === "group-help" && !wantsHelp && !isHelpWord) {
      const next = [...new Set(found.commands.map((c) => c.path[found.prefix.length]))];
      return {
        kind: "usage",
        message: `${["secr-run", ...found.prefix].join(" ")} needs a command: ${next.join(", ")} (see secr-run ${found.prefix.join(" ")} --help)`,
      };
    }
    return found;
  }
  const { command } = found;
  if (isHelpWord || wantsHelp) return { kind: "help", command };

  // What came before the name must be a global option the command takes.
  const taken = new Set(Object.values(command.options));
  for (let j = 0; j < pre.length; j++) {
    const word = pre[j]!;
    if (!isOption(word)) continue;
    const def = lookup(word, scanSet);
    if (def === undefined) continue; // the command's parser names it, with a suggestion
    const shown = word.split("=")[0];
    if (!taken.has(def)) {
      const isGlobal = GLOBAL_DEFINITIONS.includes(def as (typeof GLOBAL_DEFINITIONS)[number]);
      return {
        kind: "usage",
        message: isGlobal
          ? `${command.displayName} does not take the global option ${shown} (see ${command.displayName} --help)`
          : `${shown} is not an option of ${command.displayName} (see ${command.displayName} --help)`,
      };
    }
  }
  return { kind: "run", command, args: withRest([...pre, ...positional.slice(command.path.length)]) };
}

type Found =
  | { kind: "found"; command: CommandDefinition }
  | { kind: "usage"; message: string }
  | { kind: "group-help"; prefix: string[]; commands: CommandDefinition[] };

/** The command whose path is the longest prefix of `words`. */
function findCommand(words: readonly string[], commands: readonly CommandDefinition[]): Found {
  const matches = commands.filter(
    (c) => c.path.length > 0 && c.path.length <= words.length && c.path.every((part, k) => words[k] === part),
  );
  const best = matches.sort((a, b) => b.path.length - a.path.length)[0];
  // A group word (`secrets` of `secrets list`) matched deeper than any whole command: its subcommand is missing or wrong.
  const groupAt = (d: number) =>
    commands.filter((c) => c.path.length > d + 1 && c.path.slice(0, d + 1).every((part, k) => words[k] === part));
  let depth = best?.path.length ?? 0;
  let group = groupAt(depth);
  // Nested groups: `admin tokens lst` is a wrong word under `admin tokens`, not under `admin`.
  while (group.length > 0 && groupAt(depth + 1).length > 0) group = groupAt(++depth);
  if (group.length > 0) {
    const prefix = words.slice(0, depth + 1);
    const next = words[depth + 1];
    if (next === undefined || isOption(next)) return { kind: "group-help", prefix, commands: group };
    const suggestion = closest(
      next,
      group.map((c) => c.path[depth + 1]!),
    );
    return {
      kind: "usage",
      message: `unknown command "${[...prefix, next].join(" ")}"${suggestion === undefined ? "" : `; did you mean "${[...prefix, suggestion].join(" ")}"?`} (see secr-run ${prefix.join(" ")} --help)`,
    };
  }
  if (best !== undefined) return { kind: "found", command: best };
  const word = words[0]!;
  const suggestion = closest(
    word,
    names(commands).map((n) => n.split(" ")[0]!),
  );
  if (suggestion !== undefined)
    return { kind: "usage", message: `unknown command "${word}"; did you mean "${suggestion}"?` };
  return {
    kind: "usage",
    message:
      `unknown command "${word}" (commands: ${[...new Set(names(commands).map((n) => n.split(" ")[0]))].join(", ")}, help); ` +
      `to run a program, put it after --: secr-run [options] -- ${word} ...`,
  };
}
