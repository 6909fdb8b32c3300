// Option declarations, in the shape of clipanion's `Option.String("--env", ...)`: each call
// returns a typed descriptor, and everything else (the parser's configuration, validation,
// --help) is derived from these descriptors. The value type travels in a phantom property, so a
// command's parse result is typed from its declarations (see command.ts).

declare const VALUE: unique symbol;

export type OptionKind = "string" | "boolean" | "list" | "choice";

export interface OptionFlags {
  /** One-letter short form, without the dash: `alias: "e"` gives `-e`. */
  alias?: string;
  description: string;
  /** Placeholder for the value in --help: `--env SLUG`. */
  hint?: string;
  /** The environment variable that can hold this setting (documentation; settings resolve it). */
  env?: string;
  /** Shown as [default: ...] when the default is not a literal (e.g. a path computed at run time). */
  defaultText?: string;
  /** Accepted but left out of --help. */
  hidden?: boolean;
  /** --help heading this option is listed under (default "Options"). */
  group?: string;
  /** Boolean: list as --[no-]name (implied by an initial value of true). */
  negatable?: boolean;
}

export interface OptionDef<T> {
  readonly kind: OptionKind;
  /** The long name without dashes: "env", "api-url". */
  readonly name: string;
  readonly alias: string | undefined;
  readonly description: string;
  readonly hint: string | undefined;
  readonly env: string | undefined;
  readonly defaultValue: unknown;
  readonly defaultText: string | undefined;
  readonly hidden: boolean;
  readonly group: string;
  readonly negatable: boolean;
  /** Must be given (checked unless --help). */
  readonly required: boolean;
  /** choice: the accepted values. */
  readonly choices: readonly string[] | undefined;
  /** list: a bare flag (no value) means "all" and parses to `true`. */
  readonly bare: boolean;
  /** list: each value as given, not comma-split or trimmed (paths). */
  readonly verbatim: boolean;
  /** Type-level only: the parsed value's type. */
  readonly [VALUE]?: T;
}

/** The parsed value type of a declaration. */
export type ValueOf<D> = D extends OptionDef<infer T> ? T : never;

type Required = { required: true };

function make<T>(
  kind: OptionKind,
  descriptor: string,
  flags: OptionFlags,
  extra: Partial<OptionDef<T>> = {},
): OptionDef<T> {
  if (!/^--[a-z][a-z0-9-]*$/.test(descriptor)) throw new Error(`option name must look like --name: ${descriptor}`);
  if (flags.alias !== undefined && !/^[a-zA-Z]$/.test(flags.alias))
    throw new Error(`alias must be one letter: ${flags.alias}`);
  return {
    kind,
    name: descriptor.slice(2),
    alias: flags.alias,
    description: flags.description,
    hint: flags.hint,
    env: flags.env,
    defaultValue: undefined,
    defaultText: flags.defaultText,
    hidden: flags.hidden ?? false,
    group: flags.group ?? "Options",
    negatable: flags.negatable ?? false,
    required: false,
    choices: undefined,
    bare: false,
    verbatim: false,
    ...extra,
  };
}

/** `--name VALUE`; given twice or with an empty value it is a usage error. */
function String(descriptor: string, flags: OptionFlags & Required): OptionDef<string>;
function String(descriptor: string, initial: string, flags: OptionFlags): OptionDef<string>;
function String(descriptor: string, flags: OptionFlags & { required?: false }): OptionDef<string | undefined>;
function String(
  descriptor: string,
  a: string | (OptionFlags & { required?: boolean }),
  b?: OptionFlags,
): OptionDef<string | undefined> {
  if (typeof a === "string") return make("string", descriptor, b!, { defaultValue: a });
  return make("string", descriptor, a, { required: a.required === true });
}

/**
 * `--name` / `--no-name`; the last one given wins. Without an initial value an absent flag parses
 * to undefined, so an environment variable can decide (SECR_OFFLINE).
 */
function Boolean(descriptor: string, initial: boolean, flags: OptionFlags): OptionDef<boolean>;
function Boolean(descriptor: string, flags: OptionFlags): OptionDef<boolean | undefined>;
function Boolean(descriptor: string, a: boolean | OptionFlags, b?: OptionFlags): OptionDef<boolean | undefined> {
  if (typeof a === "boolean")
    return make("boolean", descriptor, b!, { defaultValue: a, negatable: a || b!.negatable === true });
  return make("boolean", descriptor, a);
}

/**
 * A repeatable comma list: `--only A,B --only C` gives ["A", "B", "C"] (trimmed, deduplicated).
 * With `bare: true` the flag alone (`--preserve-env`) parses to `true`, meaning "all".
 */
function List(descriptor: string, flags: OptionFlags & { bare: true }): OptionDef<string[] | true | undefined>;
function List(descriptor: string, flags: OptionFlags & { bare?: false }): OptionDef<string[] | undefined>;
function List(descriptor: string, flags: OptionFlags & { bare?: boolean }): OptionDef<string[] | true | undefined> {
  return make("list", descriptor, flags, { bare: flags.bare === true });
}

/** Repeatable, each value kept exactly as given (a path may hold commas): `--file A --file B=x,y`
 *  gives ["A", "B=x,y"]. An empty value is a usage error. */
function Repeated(descriptor: string, flags: OptionFlags): OptionDef<string[] | undefined> {
  return make("list", descriptor, flags, { verbatim: true });
}

/** One of a fixed set of values (checked; --help lists them). */
function Choice<const C extends readonly string[]>(
  descriptor: string,
  choices: C,
  flags: OptionFlags & Required,
): OptionDef<C[number]>;
function Choice<const C extends readonly string[]>(
  descriptor: string,
  choices: C,
  initial: C[number],
  flags: OptionFlags,
): OptionDef<C[number]>;
function Choice<const C extends readonly string[]>(
  descriptor: string,
  choices: C,
  flags: OptionFlags,
): OptionDef<C[number] | undefined>;
function Choice(
  descriptor: string,
  choices: readonly string[],
  a: string | (OptionFlags & { required?: boolean }),
  b?: OptionFlags,
): OptionDef<string | undefined> {
  if (typeof a === "string") return make("choice", descriptor, b!, { choices, defaultValue: a });
  return make("choice", descriptor, a, { choices, required: a.required === true });
}

export const Option = { String, Boolean, List, Repeated, Choice };

export type AnyOption = OptionDef<unknown>;
