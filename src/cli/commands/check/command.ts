// `secr-run check`: validate an environment against the project template.
import { defineCommand } from "../../define/command.js";
import { Option } from "../../define/option.js";
import { GLOBAL_OPTIONS } from "../../options/globals.js";
import { SETTINGS_NOTE } from "../../options/notes.js";

export const checkCommand = defineCommand({
  path: ["check"],
  summary: "validate an environment against the project template (CI pre-flight)",
  description:
    "Validate an environment against the project template, and against the schema of .secr.json if it declares one (CI pre-flight): print key names and broken rules (never values); exit 0 or 78.",
  options: {
    json: Option.Boolean("--json", false, {
      description:
        "print {org, project, env, valid, missing, extra} as JSON (and schema, when .secr.json declares one)",
    }),
    ...GLOBAL_OPTIONS,
  },
  examples: [
    ["secr-run check --env production", "is production complete?"],
    ["secr-run --env staging check --json", "the verdict as JSON, for a CI step"],
  ],
  notes: [SETTINGS_NOTE],
  exitCodes: [
    [0, "the environment satisfies the template"],
    64,
    69,
    70,
    77,
    [78, "required template keys are missing, or configuration"],
  ],
});
