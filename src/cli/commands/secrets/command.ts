// `secr-run secrets ...`: manage an environment's secrets through the API. Declarations only
// (light: main.ts imports them); each command's code is beside them (list.ts, set.ts, ...).
import { defineCommand } from "../../define/command.js";
import { Option } from "../../define/option.js";
import { GLOBAL_OPTIONS } from "../../options/globals.js";
import { SETTINGS_NOTE } from "../../options/notes.js";
import { CONFIRM_OPTIONS } from "../../options/shared.js";

const json = (what: string) => Option.Boolean("--json", false, { description: `print ${what} as JSON` });
const REQUEST_CODES = [64, 69, 77, [78, "configuration, or org/project/env (or the key) not found"]] as const;

export const secretsListCommand = defineCommand({
  path: ["secrets", "list"],
  summary: "list an environment's keys with version and update time (never values)",
  description: "List the keys of an environment with their version and last update; values are never fetched.",
  options: { json: json("{org, project, env, keys: [{key, version, updatedAt}]}"), ...GLOBAL_OPTIONS },
  examples: [["secr-run secrets list --env staging", "every key of staging"]],
  notes: [SETTINGS_NOTE],
  exitCodes: [0, ...REQUEST_CODES],
});

export const secretsGetCommand = defineCommand({
  path: ["secrets", "get"],
  summary: "print one secret's value (the only command that prints values)",
  description:
    "Print the value of KEY to stdout, exactly as stored (a newline is added only on a terminal). The only secr-run command that prints a value.",
  options: { json: json("{key, value, version, updatedAt}"), ...GLOBAL_OPTIONS },
  positionals: [{ name: "key", description: "the secret's key" }],
  examples: [["secr-run secrets get DATABASE_URL --env dev", "the value, on stdout"]],
  notes: [SETTINGS_NOTE],
  exitCodes: [0, ...REQUEST_CODES],
});

export const secretsSetCommand = defineCommand({
  path: ["secrets", "set"],
  summary: "set one secret (value from stdin, a file, or a hidden prompt)",
  description:
    "Create or update KEY and print its new version. The value is read from --from-file (every byte), from stdin when it is a pipe " +
    "(one final newline removed), or from a terminal prompt that does not echo. KEY=VALUE works but puts the value in argv, " +
    "where every user of the machine can read it (ps, /proc): secr-run warns.",
  options: {
    fromFile: Option.String("--from-file", { hint: "PATH", description: "read the value from this file, exactly" }),
    description: Option.String("--description", { hint: "TEXT", description: "the secret's description" }),
    json: json("{key, version}"),
    ...GLOBAL_OPTIONS,
  },
  positionals: [{ name: "key", description: "KEY (value from stdin or --from-file), or KEY=VALUE (visible in ps)" }],
  examples: [
    ["secr-run secrets set API_KEY --env dev", "prompts for the value, without echo"],
    ["pass show api-key | secr-run secrets set API_KEY --env dev", "value from a pipe"],
    ["secr-run secrets set TLS_KEY --from-file key.pem --env dev", "a file, byte for byte"],
  ],
  notes: [SETTINGS_NOTE],
  exitCodes: [0, 64, [65, "the value is not UTF-8 or holds a NUL byte"], 69, 77, 78],
});

export const secretsImportCommand = defineCommand({
  path: ["secrets", "import"],
  summary: "set many secrets from a dotenv or JSON file, in one request",
  description:
    'Create or update every entry of FILE (- for stdin) in one atomic request: all or nothing. dotenv files are parsed like `dotenv` does (quotes, multi-line values, # comments); JSON is one object {"KEY": "value"}. --dry-run prints what would be created and updated and changes nothing.',
  options: {
    format: Option.Choice("--format", ["dotenv", "json"] as const, {
      description: "the file's format (default: json for *.json, else dotenv)",
    }),
    dryRun: Option.Boolean("--dry-run", false, {
      description: "list the keys that would be created or updated; change nothing",
    }),
    json: json("{created, updated, ...}"),
    ...GLOBAL_OPTIONS,
  },
  positionals: [{ name: "file", description: "a dotenv or JSON file, or - for stdin" }],
  examples: [
    ["secr-run secrets import .env --env dev --dry-run", "what would change"],
    [
      "secr-run export --env prod --format json | secr-run secrets import - --format json --env prod-copy",
      "copy an environment",
    ],
  ],
  notes: [SETTINGS_NOTE],
  exitCodes: [0, 64, [65, "the file cannot be parsed or holds no entries"], 69, 77, 78],
});

export const secretsDeleteCommand = defineCommand({
  path: ["secrets", "delete"],
  summary: "delete secrets (asks first; --yes without a terminal)",
  description:
    "Delete one or more keys. On a terminal secr-run asks first; otherwise --yes is required. Every key is checked to exist before any is deleted.",
  options: { ...CONFIRM_OPTIONS, json: json("{deleted: [KEY...]}"), ...GLOBAL_OPTIONS },
  positionals: [{ name: "keys", description: "the keys to delete", variadic: true }],
  examples: [["secr-run secrets delete OLD_KEY --env dev --yes", "no question asked"]],
  notes: [SETTINGS_NOTE],
  exitCodes: [0, [64, "usage, or no terminal to ask and no --yes"], 69, 77, 78],
});

export const secretsPromoteCommand = defineCommand({
  path: ["secrets", "promote"],
  summary: "copy secrets from one environment to another",
  description:
    "Copy the secrets of --from into --to (only --keys if given). Keys missing in --to are created; existing ones are skipped unless --overwrite.",
  options: {
    from: Option.String("--from", { required: true, hint: "ENV", description: "source environment" }),
    to: Option.String("--to", { required: true, hint: "ENV", description: "target environment" }),
    keys: Option.List("--keys", { hint: "KEY1,KEY2", description: "only these keys; repeatable" }),
    overwrite: Option.Boolean("--overwrite", false, { description: "update keys that already exist in --to" }),
    json: json("{promoted, created, updated, skipped}"),
    ...GLOBAL_OPTIONS,
  },
  examples: [["secr-run secrets promote --from staging --to production --keys API_URL", "one key to production"]],
  notes: [SETTINGS_NOTE],
  exitCodes: [0, ...REQUEST_CODES],
});
