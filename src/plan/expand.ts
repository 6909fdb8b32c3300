// `${KEY}` references between secrets (--expand; docs/guide/layers.md). Pure.
//
// - `${KEY}` is replaced by the merged value of KEY, itself expanded; references may cross layers.
// - `$${` is a literal `${`; any other `$` (a bare `$KEY`, `$$`) is left as it is, so passwords
//   with `$` keep their meaning.
// - A reference resolves among the secrets only, never secr-run's own environment: whoever can
//   write a secret must not be able to copy a machine's local variables into the app's.
// - A missing key, a cycle, a malformed `${`, a chain deeper than MAX_DEPTH or a value expanding
//   past MAX_VALUE_BYTES stops the run; messages name keys, never values.
import { ExitCode } from "../core/exit-codes.js";
import { Failure } from "../core/failure.js";
import { dictionary, type Dictionary } from "./dictionary.js";
import { printableName, VALID_NAME } from "./names.js";

/** Longest chain of references (A -> B -> ... ) followed. */
export const MAX_DEPTH = 16;
/** What one environment variable may hold (Linux MAX_ARG_STRLEN): a longer value could not start. */
export const MAX_VALUE_BYTES = 128 * 1024;

type Piece = string | { ref: string };

export interface Expanded {
  secrets: Dictionary;
  /** Keys whose value held references → the keys they reference directly, in order of appearance. */
  references: Dictionary<string[]>;
}

/** A configuration problem of the secrets (78): the run stops, naming the chain, never a value. */
export class ExpandError extends Failure {
  constructor(
    message: string,
    /** The chain of keys that led to the problem, first to last. */
    readonly chain: readonly string[],
  ) {
    super(ExitCode.CONFIG, `--expand: ${message}`);
  }
}

/** Splits a value into literal text and references; an Error names what is malformed. */
export function parseReferences(value: string): Piece[] | Error {
  const pieces: Piece[] = [];
  let text = "";
  let i = 0;
  while (i < value.length) {
    const dollar = value.indexOf("$", i);
    if (dollar === -1) {
      text += value.slice(i);
      break;
    }
    text += value.slice(i, dollar);
    if (value.startsWith("$${", dollar)) {
      text += "${";
      i = dollar + 3;
    } else if (value.startsWith("${", dollar)) {
      const close = value.indexOf("}", dollar + 2);
      const name = close === -1 ? undefined : value.slice(dollar + 2, close);
      if (name === undefined) return new Error("has a `${` with no closing `}` (write `$${` for a literal `${`)");
      if (!VALID_NAME.test(name))
        return new Error("has a `${...}` that is not a key name (write `$${` for a literal `${`)");
      if (text !== "") pieces.push(text);
      text = "";
      pieces.push({ ref: name });
      i = close + 1;
    } else {
      text += "$";
      i = dollar + 1;
    }
  }
  if (text !== "") pieces.push(text);
  return pieces;
}

export function expandReferences(secrets: Readonly<Record<string, string>>): Expanded {
  const parsed = dictionary<Piece[]>();
  const references = dictionary<string[]>();
  for (const key of Object.keys(secrets)) {
    const value = secrets[key]!;
    if (!value.includes("$")) continue;
    const pieces = parseReferences(value);
    if (pieces instanceof Error) throw new ExpandError(`${printableName(key)} ${pieces.message}`, [key]);
    const refs = pieces.flatMap((piece) => (typeof piece === "string" ? [] : [piece.ref]));
    parsed[key] = pieces;
    if (refs.length > 0) references[key] = [...new Set(refs)];
  }

  const done = dictionary();
  const resolve = (key: string, chain: readonly string[]): string => {
    const known = done[key];
    if (known !== undefined) return known;
    const pieces = parsed[key];
    if (pieces === undefined) return (done[key] = secrets[key]!);
    if (chain.length > MAX_DEPTH)
      throw new ExpandError(`references nest deeper than ${MAX_DEPTH}: ${chainText([...chain, key])}`, [...chain, key]);
    let out = "";
    for (const piece of pieces) {
      if (typeof piece === "string") out += piece;
      else {
        const next = [...chain, key];
        if (next.includes(piece.ref))
          throw new ExpandError(
            `references form a cycle: ${chainText([...next.slice(next.indexOf(piece.ref)), piece.ref])}`,
            [...next, piece.ref],
          );
        if (!Object.hasOwn(secrets, piece.ref))
          throw new ExpandError(
            `reference to a missing key: ${chainText([...next, piece.ref])} (no secret ${printableName(piece.ref)})`,
            [...next, piece.ref],
          );
        out += resolve(piece.ref, next);
      }
      if (Buffer.byteLength(out) > MAX_VALUE_BYTES)
        throw new ExpandError(`${printableName(key)} expands to more than 128 KiB, the limit of one variable`, [
          ...chain,
          key,
        ]);
    }
    return (done[key] = out);
  };

  const expanded = dictionary();
  for (const key of Object.keys(secrets)) expanded[key] = resolve(key, []);
  return { secrets: expanded, references };
}

function chainText(keys: readonly string[]): string {
  return keys.map(printableName).join(" -> ");
}
