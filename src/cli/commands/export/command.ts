// `secr-run export --format dotenv|json|shell`.
import { EXPORT_FORMATS } from "../../../plan/export-format.js";
import { defineCommand } from "../../define/command.js";
import { Option } from "../../define/option.js";
import { GLOBAL_OPTIONS } from "../../options/globals.js";
import { SETTINGS_NOTE, SNAPSHOT_NOTE } from "../../options/notes.js";
import { CACHE_OPTIONS, nameRuleOptions } from "../../options/shared.js";

export const exportCommand = defineCommand({
  path: ["export"],
  summary: "print an environment's secrets as dotenv, JSON or shell",
  usage: ["secr-run export --format dotenv|json|shell [options]"],
  description:
    "Print an environment's secrets as dotenv, JSON or POSIX shell `export` lines (same checks as a run). Nothing is printed unless everything can be.",
  options: {
    format: Option.Choice("--format", EXPORT_FORMATS, { alias: "f", required: true, description: "output format" }),
    validate: Option.Boolean("--validate", true, { description: "check the template first (--no-validate skips)" }),
    ...nameRuleOptions("export"),
    ...CACHE_OPTIONS,
    ...GLOBAL_OPTIONS,
  },
  examples: [
    ["secr-run export --env dev --format dotenv > .env", "a .env file for local tools"],
    ['eval "$(secr-run export -e dev -f shell)"', "into the current shell"],
  ],
  notes: [SETTINGS_NOTE, SNAPSHOT_NOTE],
  exitCodes: [0, 64, 65, 69, 70, 77, 78],
});
