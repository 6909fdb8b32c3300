// `secr-run [options] -- <command> [args...]`: the default command.
import { defineCommand } from "../../define/command.js";
import { Option } from "../../define/option.js";
import { GLOBAL_OPTIONS } from "../../options/globals.js";
import { EXPORT_FORMATS } from "../../../plan/export-format.js";
import { DEFAULT_MASK_MIN_LENGTH } from "../../../mask/patterns.js";
import { MASK_NOTE, SETTINGS_NOTE, SNAPSHOT_NOTE } from "../../options/notes.js";
import { CACHE_OPTIONS, nameRuleOptions } from "../../options/shared.js";

const FILES = "Files and masking";

const DELIVERY_OPTIONS = {
  file: Option.Repeated("--file", {
    group: FILES,
    hint: "KEY[=PATH]",
    description:
      "write KEY's value to a 0600 file (private dir, or PATH), set KEY_FILE to its path, leave KEY out; repeatable",
  }),
  mount: Option.String("--mount", {
    group: FILES,
    hint: "PATH",
    description: "write all injected secrets to one 0600 file at PATH",
  }),
  mountFormat: Option.Choice("--mount-format", EXPORT_FORMATS, {
    group: FILES,
    defaultText: "dotenv",
    description: "format of the --mount file (as export)",
  }),
  template: Option.Repeated("--template", {
    group: FILES,
    hint: "SRC:DEST",
    description: "render mustache template SRC into DEST (0600); a missing key fails (78); repeatable",
  }),
  mask: Option.Boolean("--mask", false, {
    group: FILES,
    description: "replace injected values in the command's stdout/stderr with [secr:KEY] (they become pipes)",
  }),
  maskMinLength: Option.String("--mask-min-length", {
    group: FILES,
    hint: "N",
    defaultText: String(DEFAULT_MASK_MIN_LENGTH),
    description: "do not mask values shorter than N characters",
  }),
};

const WATCH = "Keeping the program current (--watch)";

const WATCH_OPTIONS = {
  watch: Option.Boolean("--watch", false, {
    group: WATCH,
    description: "poll secr and restart (or reload) the command when its secrets change",
  }),
  watchInterval: Option.String("--watch-interval", {
    group: WATCH,
    hint: "DURATION",
    defaultText: "30s",
    description: "time between polls, ±10 % (at least 1s)",
  }),
  watchDebounce: Option.String("--watch-debounce", {
    group: WATCH,
    hint: "DURATION",
    defaultText: "2s",
    description: "changes closer together than this make one restart",
  }),
  watchKeys: Option.List("--watch-keys", {
    group: WATCH,
    hint: "K1,K2",
    description: "restart only when one of these keys changes",
  }),
  reloadSignal: Option.String("--reload-signal", {
    group: WATCH,
    hint: "SIG",
    description: "send SIG to the command instead of restarting it (files are rewritten first)",
  }),
  stopSignal: Option.String("--stop-signal", {
    group: WATCH,
    hint: "SIG",
    defaultText: "SIGTERM",
    description: "signal that stops the command for a restart",
  }),
  stopTimeout: Option.String("--stop-timeout", {
    group: WATCH,
    hint: "DURATION",
    defaultText: "10s",
    description: "SIGKILL the command if it has not stopped this long after --stop-signal",
  }),
};

export const runCommand = defineCommand({
  path: [],
  summary: "run a command with an environment's secrets (the default)",
  usage: ["secr-run [options] -- <command> [args...]", 'secr-run [options] --command "<shell string>"'],
  description:
    "Pull an environment's secrets from secr, check them against the project template, and run the command with them " +
    "in its environment. Prints nothing on success; exits with the command's status.",
  options: {
    command: Option.String("--command", {
      alias: "c",
      hint: "STRING",
      description: "run this string with the system shell (/bin/sh -c) instead of a command after --",
    }),
    exec: Option.Boolean("--exec", false, {
      description:
        "become the command (execve, same PID; Node >= 22.15, not Windows) instead of staying as its parent; not with --watch, --mask, --file, --mount, --template, --report-json",
    }),
    validate: Option.Boolean("--validate", true, {
      description: "check the template before starting (--no-validate skips)",
    }),
    ...nameRuleOptions("inject"),
    preserveEnv: Option.List("--preserve-env", {
      bare: true,
      hint: "[=K1,K2]",
      description: "keep inherited values over secrets: all of them (bare flag), or only the keys listed",
    }),
    passToken: Option.Boolean("--pass-token", false, { description: "give the child SECR_TOKEN (removed by default)" }),
    startJitter: Option.String("--start-jitter", {
      hint: "DURATION",
      env: "SECR_START_JITTER",
      defaultText: "0 (off)",
      description: "wait a random time below DURATION before asking secr, so a fleet's starts spread out, e.g. 5s",
    }),
    reportJson: Option.String("--report-json", {
      hint: "FILE",
      description:
        "when secr-run exits, write what it did (timings, source, key names, verdicts, exit) to FILE as JSON, 0600; never a value",
    }),
    ...DELIVERY_OPTIONS,
    ...WATCH_OPTIONS,
    ...CACHE_OPTIONS,
    ...GLOBAL_OPTIONS,
  },
  rest: { hint: "<command> [args...]", description: "the program to run and its arguments, passed verbatim" },
  examples: [
    ["secr-run --env production -- node server.js", "run the server with production's secrets"],
    [
      'secr-run -e staging --command "npm run migrate && npm start"',
      "a shell string (pipes, &&) instead of one program",
    ],
    ["secr-run --only DATABASE_URL -- ./migrate", "inject one key only"],
    ["secr-run --offline -- node server.js", "start from the last snapshot without contacting secr"],
    ["secr-run --file DB_PASSWORD -- ./server", "DB_PASSWORD_FILE=<private 0600 file> instead of DB_PASSWORD"],
    [
      "secr-run --template app.conf.tmpl:app.conf -- ./server",
      "render a mustache template; removed when secr-run ends",
    ],
    ["secr-run --mask -- npm test", "values in the output become [secr:KEY]"],
    ["secr-run --watch -e production -- node server.js", "restart the server when production's secrets change"],
    [
      "secr-run --exec -e production -- node server.js",
      "the server takes secr-run's PID (a container's PID 1); no parent stays",
    ],
  ],
  notes: [SETTINGS_NOTE, SNAPSHOT_NOTE, MASK_NOTE],
  exitCodes: ["N", 64, 65, 69, 70, 77, 78, 126, 127],
});
