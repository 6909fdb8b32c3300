// defineCommand: a command's whole surface (path, usage, options, positionals, examples, exit
// codes) declared once. `parse(args)` returns values typed from the declarations; the
// yargs-parser configuration and --help (yargs-help.ts) are derived from the same object.
//
// Parsing uses yargs-parser, the parser inside yargs: full yargs costs ≈ 50 ms to load, and
// secr-run runs before every start of the user's program. Only the words before the first `--`
// are ever parsed: what follows belongs to the child, verbatim.
import parser from "yargs-parser";
import { ExitCode, type DocumentedExitCode } from "../../core/exit-codes.js";
import { Failure } from "../../core/failure.js";
import { splitList } from "../../plan/only.js";
import type { AnyOption, ValueOf } from "./option.js";
import { didYouMean } from "../../core/suggest.js";

export type Options = Readonly<Record<string, AnyOption>>;

export interface PositionalDef {
  readonly name: string;
  readonly description: string;
  /** Default false: the positional must be given. */
  readonly optional?: boolean;
  /** Takes every remaining word (last positional only). */
  readonly variadic?: boolean;
  /** The values a shell completion script offers for it (the command validates them itself). */
  readonly choices?: readonly string[];
}

/** Words after `--`: the command to run (only commands that run one declare it). */
export interface RestDef {
  readonly hint: string;
  readonly description: string;
}

/** A row of the exit-code section: a code of the shared table, or a code with this command's own text. */
export type ExitCodeRow = DocumentedExitCode | readonly [number | string, string];

export interface CommandSpec<O extends Options, P extends readonly PositionalDef[]> {
  /** Words after `secr-run`: [] for the default command (run), ["check"], ["secrets", "list"]. */
  readonly path: readonly string[];
  /** One line, for the list of commands. */
  readonly summary: string;
  /** Left out of the list of commands (still runs, still has --help). */
  readonly hidden?: boolean;
  /** Usage lines; default: `secr-run <path> [options] <positionals>`. */
  readonly usage?: readonly string[];
  readonly description: string;
  readonly options: O;
  readonly positionals?: P;
  readonly rest?: RestDef;
  readonly examples?: ReadonlyArray<readonly [command: string, what: string]>;
  /** Paragraphs printed after the options (settings precedence, snapshot rules, ...). */
  readonly notes?: readonly string[];
  readonly exitCodes?: readonly ExitCodeRow[];
}

type PositionalValue<D extends PositionalDef> = D extends { variadic: true }
  ? string[]
  : D extends { optional: true }
    ? string | undefined
    : // The generic PositionalDef (a registry of any commands): every shape a positional can have.
      string extends D["name"]
      ? string | string[] | undefined
      : string;

export type PositionalValues<P extends readonly PositionalDef[]> = {
  [D in P[number] as D["name"]]: PositionalValue<D>;
};

export type OptionValues<O extends Options> = { -readonly [K in keyof O]: ValueOf<O[K]> };

export interface Parsed<O extends Options, P extends readonly PositionalDef[]> {
  options: OptionValues<O>;
  args: PositionalValues<P>;
  /** The words after the first `--`, untouched; undefined when there was no `--`. */
  rest: string[] | undefined;
  /** --help / -h was given (validation of the rest was skipped). */
  help: boolean;
}

export interface CommandDefinition<
  O extends Options = Options,
  P extends readonly PositionalDef[] = readonly PositionalDef[],
> extends CommandSpec<O, P> {
  readonly positionals: P;
  /** `secr-run check`, `secr-run` for the default command. */
  readonly displayName: string;
  parse(args: readonly string[]): Parsed<O, P>;
  /** A usage failure (exit 64) that points to this command's --help. */
  usageError(message: string): Failure;
}

/** Split at the first `--`: options before it, the child's command (verbatim) after it. */
export function splitAtDoubleDash(args: readonly string[]): { before: string[]; after: string[] | undefined } {
  const index = args.indexOf("--");
  return index === -1
    ? { before: [...args], after: undefined }
    : { before: args.slice(0, index), after: args.slice(index + 1) };
}

export function defineCommand<const O extends Options, const P extends readonly PositionalDef[] = readonly []>(
  spec: CommandSpec<O, P>,
): CommandDefinition<O, P> {
  const displayName = ["secr-run", ...spec.path].join(" ");
  const declared = Object.entries(spec.options);
  checkDeclarations(displayName, declared);
  const byName = new Map(declared.map(([key, def]) => [def.name, { key, def }]));
  const usageError = (message: string) => new Failure(ExitCode.USAGE, `${message} (see ${displayName} --help)`);
  const positionals = (spec.positionals ?? []) as unknown as P;

  const config = {
    string: declared.filter(([, d]) => d.kind !== "boolean").map(([, d]) => d.name),
    boolean: declared.filter(([, d]) => d.kind === "boolean").map(([, d]) => d.name),
    alias: Object.fromEntries(declared.filter(([, d]) => d.alias !== undefined).map(([, d]) => [d.name, [d.alias!]])),
    configuration: {
      "camel-case-expansion": false,
      "strip-aliased": true,
      "duplicate-arguments-array": true,
      "unknown-options-as-args": true,
      "parse-numbers": false,
      "parse-positional-numbers": false,
      "dot-notation": false,
    },
  } satisfies parser.Options;

  function parse(args: readonly string[]): Parsed<O, P> {
    const { before, after } = splitAtDoubleDash(args);
    if (after !== undefined && spec.rest === undefined) {
      throw new Failure(ExitCode.USAGE, `${spec.path.join(" ")} runs no command; remove what follows --`);
    }
    // A bare-list flag without `=` (`--preserve-env`) means "all"; give the parser an empty value
    // so it does not take the next word as the list.
    const words = before.map((word) =>
      word.startsWith("--") && byName.get(word.slice(2))?.def.bare ? `${word}=` : word,
    );
    const raw = parser(words, config) as Record<string, unknown> & { _: unknown[] };
    const help = raw.help === true || (Array.isArray(raw.help) && raw.help.at(-1) === true);
    const rest = raw._.map(String);
    const options: Record<string, unknown> = {};
    if (!help) {
      checkUnknown(rest);
      checkBooleanValues(words);
    }
    for (const [key, def] of declared) options[key] = help ? safeValue(def, raw[def.name]) : value(def, raw[def.name]);
    if (!help) {
      for (const [key, def] of declared) {
        if (def.required && options[key] === undefined) {
          throw usageError(
            `missing --${def.name}${def.choices ? ` ${def.choices.join("|")}` : def.hint ? ` ${def.hint}` : ""}`,
          );
        }
      }
    }
    return {
      options: options as OptionValues<O>,
      args: help ? ({} as PositionalValues<P>) : positional(rest),
      rest: after,
      help,
    };
  }

  function checkUnknown(rest: string[]): void {
    const unknown = rest.find((word) => word.startsWith("-") && word !== "-");
    if (unknown === undefined) return;
    const name = unknown.split("=")[0]!;
    if (name.startsWith("--no-") && byName.has(name.slice(5)))
      throw usageError(`--${name.slice(5)} takes a value; ${name} is not an option`);
    const candidates = [...byName.keys()].filter((n) => !byName.get(n)!.def.hidden);
    const hint = name.startsWith("--") ? didYouMean(name.slice(2), candidates, (n) => `--${n}`) : "";
    throw usageError(`unknown option ${name}${hint}`);
  }

  /** `--validate=maybe` would silently read as false. */
  function checkBooleanValues(words: readonly string[]): void {
    for (const word of words) {
      const match = /^--(?:no-)?([^=]+)=(.*)$/s.exec(word);
      if (match === null || byName.get(match[1]!)?.def.kind !== "boolean") continue;
      if (match[2] !== "true" && match[2] !== "false")
        throw usageError(`--${match[1]} takes no value (got "${match[2]}")`);
    }
  }

  function value(def: AnyOption, given: unknown): unknown {
    if (given === undefined) return def.defaultValue;
    const all = Array.isArray(given) ? given : [given];
    if (def.kind === "boolean") return all.at(-1) === true;
    // A string option seen as `false`: `--no-env`.
    if (all.some((v) => typeof v === "boolean"))
      throw usageError(`--${def.name} takes a value; --no-${def.name} is not an option`);
    const texts = all.map(String);
    if (def.kind === "list" && def.verbatim) {
      if (texts.includes("")) throw usageError(`--${def.name} needs a value${def.hint ? ` (${def.hint})` : ""}`);
      return texts;
    }
    if (def.kind === "list") {
      if (def.bare && texts.every((t) => t === "")) return true;
      const list = splitList(texts);
      if (list.length === 0)
        throw usageError(`--${def.name} needs a comma-separated list${def.hint ? ` (${def.hint})` : ""}`);
      return list;
    }
    if (texts.length > 1) throw usageError(`--${def.name} given ${texts.length} times; give it once`);
    const text = texts[0]!;
    if (text === "") throw usageError(`--${def.name} needs a value${def.hint ? ` (${def.hint})` : ""}`);
    if (def.choices !== undefined && !def.choices.includes(text))
      throw usageError(`--${def.name} must be one of ${def.choices.join(", ")}${didYouMean(text, def.choices)}`);
    return text;
  }

  /** Under --help nothing is validated: best-effort values, never an error. */
  function safeValue(def: AnyOption, given: unknown): unknown {
    try {
      return value(def, given);
    } catch {
      return def.defaultValue;
    }
  }

  function positional(words: string[]): PositionalValues<P> {
    const out: Record<string, unknown> = {};
    let index = 0;
    for (const def of positionals) {
      if (def.variadic) {
        out[def.name] = words.slice(index);
        index = words.length;
        continue;
      }
      const word = words[index];
      if (word === undefined && !def.optional) throw usageError(`missing ${def.name}`);
      out[def.name] = word;
      if (word !== undefined) index++;
    }
    if (index < words.length) throw usageError(`unexpected argument "${words[index]}"`);
    return out as PositionalValues<P>;
  }

  return { ...spec, positionals, displayName, parse, usageError };
}

function checkDeclarations(command: string, declared: ReadonlyArray<readonly [string, AnyOption]>): void {
  const seen = new Set<string>();
  for (const [, def] of declared) {
    for (const name of [def.name, def.alias].filter((n): n is string => n !== undefined)) {
      if (seen.has(name)) throw new Error(`${command}: option ${name} declared twice`);
      seen.add(name);
    }
  }
}
