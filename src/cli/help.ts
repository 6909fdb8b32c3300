// --help for every command, rendered by yargs from the option table in options.ts.
// Light on purpose: no client, undici or execa; yargs is loaded only here.
import { ENV_VARS } from "../config/settings.js";
import { EXIT_CODE_TABLE } from "./exit-codes.js";
import { OPTIONS, type CommandName } from "./options.js";

const USAGE: Record<CommandName, string> = {
  run: 'secr-run [options] -- <command> [args...]\nsecr-run [options] --command "<shell string>"',
  check: "secr-run check [options]",
  export: "secr-run export --format dotenv|json|shell [options]",
};

const DESCRIPTION: Record<CommandName, string> = {
  run: "Pull an environment's secrets from secr, check them against the project template, and run the command with them in its environment. Prints nothing on success; exits with the command's status.",
  check: "Validate an environment against the project template (CI pre-flight): print missing and extra key names; exit 0 or 78.",
  export: "Print an environment's secrets as dotenv, JSON or POSIX shell `export` lines (same checks as a run).",
};

function epilogue(kind: CommandName): string {
  return [
    `Settings: flag > environment variable (${Object.values(ENV_VARS).join(", ")}) > .secr.json ` +
      '(searched up from the working directory: {"org", "project", "env"?, "apiUrl"?}; never a token) > default ' +
      "(api-url https://api.secr.dev, timeout 30s).",
    ...(kind === "check"
      ? []
      : [
          "",
          "Offline snapshot: after each pull an encrypted snapshot is kept; when secr is unreachable (network, timeout, " +
            "5xx, 429) the run starts from it if younger than --cache-max-age, with one warning. 401/403/404 delete it. " +
            "Environment: SECR_OFFLINE=1, SECR_NO_CACHE=1, SECR_CACHE_DIR, SECR_CACHE_MAX_AGE, SECR_PASSPHRASE.",
        ]),
    "",
    kind === "run" ? "Other commands: secr-run check --help | secr-run export --help | secr-run serve --help" : "Run a command: secr-run --help",
    "",
    "Exit codes:",
    ...EXIT_CODE_TABLE.map(([code, text]) => `  ${String(code).padStart(3)}  ${text}`),
  ].join("\n");
}

export async function helpText(kind: CommandName): Promise<string> {
  const { default: yargs } = await import("yargs");
  let y = yargs([])
    .scriptName("secr-run")
    .usage(`${USAGE[kind]}\n\n${DESCRIPTION[kind]}`)
    .version(false)
    .help(false)
    .wrap(Math.min(110, process.stdout.columns || 100))
    .epilogue(epilogue(kind));
  for (const spec of OPTIONS[kind]) {
    y = y.option(spec.name, {
      type: spec.type,
      description: spec.description,
      ...(spec.alias ? { alias: spec.alias } : {}),
      ...(spec.choices ? { choices: [...spec.choices] } : {}),
      ...(spec.default !== undefined ? { default: spec.default } : {}),
    });
  }
  return y.getHelp();
}

export async function printHelp(kind: CommandName): Promise<number> {
  process.stdout.write(`${await helpText(kind)}\n`);
  return 0;
}
