// `secr-run explain [run options]`: what a run with these options would inject, and why, without
// starting anything.
import { defineCommand } from "../../define/command.js";
import { Option } from "../../define/option.js";
import { SETTINGS_NOTE, SNAPSHOT_NOTE } from "../../options/notes.js";
import { runCommand } from "../run/command.js";

// Every option of a run (so a run's command line can be prefixed with `explain` as it is), but
// the report: explain writes nothing.
const { reportJson: _report, ...runOptions } = runCommand.options;

export const explainCommand = defineCommand({
  path: ["explain"],
  summary: "show what a run would inject, key by key, without starting anything",
  usage: ["secr-run explain [run options] [-- <command> [args...]]"],
  description:
    "Decide exactly as a run with the same options would, then print one row per key instead of starting the command: " +
    "where it comes from (secr, snapshot, inherited, schema default), what happens to it (injected, kept, refused, skipped, " +
    "removed, missing) and why, its schema verdict, and a fingerprint (length and 8 hex digits of an HMAC keyed by the token; none for the token itself). " +
    "Never a value. Exits 0 when the run would start, else with the code the run would exit with.",
  options: {
    json: Option.Boolean("--json", false, {
      description: "print {target, source, wouldStart, exitCode, message, rows} as JSON",
    }),
    ...runOptions,
  },
  rest: { hint: "<command> [args...]", description: "ignored: a run's command line can be explained as it is" },
  examples: [
    ["secr-run explain --env production", "which keys production's run would get"],
    ["secr-run explain -e dev --preserve-env=PORT --json -- node server.js", "a run's exact command line, as JSON"],
  ],
  notes: [SETTINGS_NOTE, SNAPSHOT_NOTE],
  exitCodes: [
    [0, "a run would start the command"],
    64,
    [65, "a run would refuse secrets (65)"],
    69,
    70,
    77,
    [78, "a run would stop on the template, the schema, --only or configuration"],
  ],
});
