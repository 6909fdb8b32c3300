// `secr-run init`: write the project file (.secr.json) in the working directory.
import { defineCommand } from "../../define/command.js";
import { Option } from "../../define/option.js";
import { OUTPUT_OPTIONS, SECR_OPTIONS } from "../../options/globals.js";

export const initCommand = defineCommand({
  path: ["init"],
  summary: "write .secr.json (org, project, env) in this directory",
  description:
    "Write .secr.json in the working directory with the org, project and (if given) env, so later commands here need no flags. " +
    "It never holds a token. apiUrl is written only when --api-url is given on this command line; secr-run then trusts the file " +
    "it just wrote (as secr-run allow would). An existing .secr.json is kept unless --force.",
  options: {
    force: Option.Boolean("--force", false, { description: "replace an existing .secr.json" }),
    json: Option.Boolean("--json", false, { description: "print {path, org, project, env?, apiUrl?} as JSON" }),
    org: SECR_OPTIONS.org,
    project: SECR_OPTIONS.project,
    env: SECR_OPTIONS.env,
    apiUrl: SECR_OPTIONS.apiUrl,
    ...OUTPUT_OPTIONS,
  },
  examples: [
    ["secr-run init --org acme --project api --env dev", "then: secr-run -- npm start"],
    ["secr-run init --org acme --project api --api-url http://127.0.0.1:8787", "a local secr-run serve"],
  ],
  exitCodes: [
    0,
    [64, "usage, or --org / --project missing"],
    [78, ".secr.json exists (use --force) or cannot be written"],
  ],
});
