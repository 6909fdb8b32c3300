// `secr-run secrets set KEY`: the value comes from --from-file, a pipe or a silent prompt;
// KEY=VALUE is accepted with a warning (argv is readable by every user). The value is never
// printed: only the key and its new version.
import { ExitCode } from "../../../core/exit-codes.js";
import { Failure } from "../../../core/failure.js";
import { printableName } from "../../../plan/names.js";
import { settingFlags } from "../../options/globals.js";
import { secretsSetCommand } from "./command.js";
import { manageMain, printJson, scopeLabel } from "../../manage/command-main.js";
import type { Io } from "../../frame.js";
import { readValueFromFile, readValueFromPipe, readValueFromTerminal, valueFromBytes } from "./read-value.js";
import { withSecr } from "../../manage/session.js";

const NEEDS = ["org", "project", "env"] as const;

export function main(args: string[], io?: Io): Promise<number> {
  return manageMain(args, io, async ({ io, settings: load, log }) => {
    const { options, args: positional } = secretsSetCommand.parse(args);
    const assignment = positional.key.indexOf("=");
    const key = assignment === -1 ? positional.key : positional.key.slice(0, assignment);
    const inline = assignment === -1 ? undefined : positional.key.slice(assignment + 1);
    if (inline !== undefined) log.redact([inline]);
    if (key === "") throw secretsSetCommand.usageError("missing KEY before =");
    if (inline !== undefined && options.fromFile !== undefined)
      throw secretsSetCommand.usageError("give the value as KEY=VALUE or with --from-file, not both");
    const settings = load(settingFlags(options), NEEDS);
    const where = scopeLabel(settings, NEEDS);

    let value: string;
    if (inline !== undefined) {
      log.warn(
        "KEY=VALUE puts the value in argv, readable by every user of this machine (ps, /proc) and kept in shell history; prefer stdin or --from-file",
      );
      value = valueFromBytes(new TextEncoder().encode(inline), "the command line");
    } else if (options.fromFile !== undefined) {
      value = await readValueFromFile(options.fromFile);
    } else if (process.stdin.isTTY) {
      value = await readValueFromTerminal(`value for ${printableName(key)} in ${where} (not echoed): `);
      if (value.includes("\0"))
        throw new Failure(ExitCode.DATA, "the value contains a NUL byte, which no environment variable can hold");
    } else {
      value = await readValueFromPipe();
    }
    if (value === "" && inline === undefined)
      throw new Failure(
        ExitCode.DATA,
        `empty value for ${printableName(key)}; nothing was changed (an empty value on purpose: ${printableName(key)}=)`,
      );
    log.redact([value]);

    const result = await withSecr(settings, { where, write: true }, ({ client, signal }) =>
      client.setSecret(settings.org, settings.project, settings.env, key, value, {
        signal,
        ...(options.description === undefined ? {} : { description: options.description }),
      }),
    );
    if (options.json) printJson(io, { key: result.key, version: result.version });
    else io.stdout.write(`${printableName(result.key)}: version ${result.version} in ${where}\n`);
    return ExitCode.OK;
  });
}
