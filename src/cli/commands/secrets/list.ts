// `secr-run secrets list`: keys, versions and update times; the keys route never sends values.
import { printable } from "../../../config/trust.js";
import { printableName } from "../../../plan/names.js";
import { settingFlags } from "../../options/globals.js";
import { secretsListCommand } from "./command.js";
import { manageMain, printJson, printTable, scopeLabel } from "../../manage/command-main.js";
import type { Io } from "../../frame.js";
import { listAllKeys } from "./keys.js";
import { withSecr } from "../../manage/session.js";

const NEEDS = ["org", "project", "env"] as const;

export function main(args: string[], io?: Io): Promise<number> {
  return manageMain(args, io, async ({ io, settings: load }) => {
    const { options } = secretsListCommand.parse(args);
    const settings = load(settingFlags(options), NEEDS);
    const where = scopeLabel(settings, NEEDS);
    const keys = await withSecr(settings, { where, write: false }, ({ client, signal }) =>
      listAllKeys(client, settings.org, settings.project, settings.env, signal),
    );
    keys.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    if (options.json) {
      printJson(io, {
        org: settings.org,
        project: settings.project,
        env: settings.env,
        keys: keys.map(({ key, version, updatedAt }) => ({ key, version, updatedAt })),
      });
    } else if (keys.length === 0) {
      io.stderr.write(`secr-run: ${where} has no secrets\n`);
    } else {
      printTable(io, [
        ["KEY", "VERSION", "UPDATED"],
        ...keys.map((k) => [printableName(k.key), String(k.version), printable(k.updatedAt)]),
      ]);
    }
    return 0;
  });
}
