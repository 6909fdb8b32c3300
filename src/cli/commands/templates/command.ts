// `secr-run templates ...`: the project's template (the keys every environment needs).
// Declarations only; the code is beside them, one file per subcommand.
import { defineCommand } from "../../define/command.js";
import { Option } from "../../define/option.js";
import { checkCommand } from "../check/command.js";
import { GLOBAL_OPTIONS } from "../../options/globals.js";
import { SETTINGS_NOTE } from "../../options/notes.js";
import { CONFIRM_OPTIONS } from "../../options/shared.js";

const json = (what: string) => Option.Boolean("--json", false, { description: `print ${what} as JSON` });
const PROJECT_NOTE = `${SETTINGS_NOTE} Templates belong to the project: --env is not needed.`;

export const templatesListCommand = defineCommand({
  path: ["templates", "list"],
  summary: "list the project's template keys",
  description: "List the keys of the project's template: required or optional, and their descriptions.",
  options: { json: json("{org, project, templates: [{key, required, description}]}"), ...GLOBAL_OPTIONS },
  examples: [["secr-run templates list", "the template of the project in .secr.json"]],
  notes: [PROJECT_NOTE],
  exitCodes: [0, 64, 69, 77, 78],
});

export const templatesShowCommand = defineCommand({
  path: ["templates", "show"],
  summary: "show one template key",
  description: "Show one key of the project's template.",
  options: { json: json("{key, required, description, createdAt}"), ...GLOBAL_OPTIONS },
  positionals: [{ name: "key", description: "the template key" }],
  notes: [PROJECT_NOTE],
  exitCodes: [0, 64, 69, 77, [78, "configuration, or no such template key"]],
});

export const templatesSetCommand = defineCommand({
  path: ["templates", "set"],
  summary: "add or change template keys (one, or a file of them)",
  description:
    "Register KEY in the project's template (required unless --optional), or every entry of --file, a JSON array of " +
    '{"key", "description"?, "required"?}. A key registered already with other settings is replaced (deleted and ' +
    "registered again); unchanged keys are left alone. Every entry of --file is checked before anything is sent.",
  usage: [
    "secr-run templates set KEY [--optional] [--description TEXT] [options]",
    "secr-run templates set --file template.json [options]",
  ],
  options: {
    file: Option.String("--file", {
      hint: "PATH",
      description: 'a JSON array of {"key", "description"?, "required"?}',
    }),
    optional: Option.Boolean("--optional", false, { description: "KEY is optional (check ignores it when missing)" }),
    description: Option.String("--description", { hint: "TEXT", description: "what KEY is for" }),
    json: json("{created, replaced, unchanged}"),
    ...GLOBAL_OPTIONS,
  },
  positionals: [{ name: "key", description: "the key to register (or use --file)", optional: true }],
  examples: [
    ["secr-run templates set DATABASE_URL --description 'primary database'", "a required key"],
    ["secr-run templates set --file template.json", "every entry of a file"],
  ],
  notes: [PROJECT_NOTE],
  exitCodes: [0, 64, [65, "--file cannot be parsed"], 69, 77, 78],
});

export const templatesDeleteCommand = defineCommand({
  path: ["templates", "delete"],
  summary: "remove a key from the template (asks first; --yes without a terminal)",
  description:
    "Remove KEY from the project's template. Secrets of that name are not touched. On a terminal secr-run asks first; otherwise --yes is required.",
  options: { ...CONFIRM_OPTIONS, json: json("{deleted: KEY}"), ...GLOBAL_OPTIONS },
  positionals: [{ name: "key", description: "the template key" }],
  examples: [["secr-run templates delete OLD_KEY --yes", "no question asked"]],
  notes: [PROJECT_NOTE],
  exitCodes: [
    0,
    [64, "usage, or no terminal to ask and no --yes"],
    69,
    77,
    [78, "configuration, or no such template key"],
  ],
});

export const templatesValidateCommand = defineCommand({
  ...checkCommand,
  path: ["templates", "validate"],
  summary: "validate an environment against the template (same as check)",
});
