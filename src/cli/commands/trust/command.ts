// `secr-run allow [PATH]` / `secr-run deny [PATH]`: trust, or stop trusting, a project file's
// apiUrl (docs/design/trust.md).
import { defineCommand } from "../../define/command.js";
import { OUTPUT_OPTIONS } from "../../options/globals.js";

const PATH = [
  {
    name: "path",
    description: "a .secr.json or its directory (default: the one a run here would use)",
    optional: true,
  },
] as const;
const options = { quiet: OUTPUT_OPTIONS.quiet, help: OUTPUT_OPTIONS.help, version: OUTPUT_OPTIONS.version } as const;

export const allowCommand = defineCommand({
  path: ["allow"],
  summary: "trust a .secr.json's apiUrl (the token is sent there)",
  description:
    'Trust the .secr.json at PATH so that its "apiUrl" is used: the token is sent there. The file\'s real path and the sha256 ' +
    "of its content are recorded in $XDG_CONFIG_HOME/secr-run/trusted.json (~/.config/secr-run/trusted.json); any change to " +
    "the file needs a new allow. A file that another user owns or can write is refused.",
  options,
  positionals: PATH,
  examples: [["secr-run allow", "trust the .secr.json a run here would use"]],
  exitCodes: [0, 64, [78, "no .secr.json, or one another user owns or can write"]],
});

export const denyCommand = defineCommand({
  path: ["deny"],
  summary: "stop trusting a .secr.json's apiUrl",
  description: "Stop trusting the .secr.json at PATH: its apiUrl is refused again until the next secr-run allow.",
  options,
  positionals: PATH,
  examples: [["secr-run deny ./.secr.json", "forget this file"]],
  exitCodes: [0, 64, 78],
});
