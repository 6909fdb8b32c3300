// `secr-run secrets get KEY`: the one command that prints a value, and only to stdout.
import { ExitCode } from "../../../core/exit-codes.js";
import { Failure } from "../../../core/failure.js";
import { printableName } from "../../../plan/names.js";
import { settingFlags } from "../../options/globals.js";
import { secretsGetCommand } from "./command.js";
import { manageMain, printJson, scopeLabel } from "../../manage/command-main.js";
import type { Io } from "../../frame.js";
import { withSecr } from "../../manage/session.js";

const NEEDS = ["org", "project", "env"] as const;

export function main(args: string[], io?: Io): Promise<number> {
  return manageMain(args, io, async ({ io, settings: load, log }) => {
    const { options, args: positional } = secretsGetCommand.parse(args);
    const settings = load(settingFlags(options), NEEDS);
    const where = scopeLabel(settings, NEEDS);
    const { key } = positional;
    // The API has no single-secret read: search narrows the pull, the exact key is picked here.
    const matches = await withSecr(settings, { where, write: false }, ({ client, signal }) =>
      client.pullAllSecrets(settings.org, settings.project, settings.env, { search: key, signal }),
    );
    log.redact(matches.map((secret) => secret.value));
    const secret = matches.find((candidate) => candidate.key === key);
    if (secret === undefined)
      throw new Failure(ExitCode.CONFIG, `no secret ${printableName(key)} in ${where} (see secr-run secrets list)`);
    if (options.json)
      printJson(io, { key: secret.key, value: secret.value, version: secret.version, updatedAt: secret.updatedAt });
    else io.stdout.write(io.stdout.isTTY ? `${secret.value}\n` : secret.value);
    return ExitCode.OK;
  });
}
