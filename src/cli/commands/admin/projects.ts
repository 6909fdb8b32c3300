// `secr-run admin projects create ORG/PROJECT` and `admin envs list|create|delete`.
import { printable } from "../../../config/trust.js";
import { ExitCode } from "../../../core/exit-codes.js";
import { Failure } from "../../../core/failure.js";
import { settingFlags } from "../../options/globals.js";
import {
  adminEnvsCreateCommand,
  adminEnvsDeleteCommand,
  adminEnvsListCommand,
  adminProjectsCreateCommand,
} from "./command.js";
import { manageMain, printJson, scopeLabel } from "../../manage/command-main.js";
import type { Io } from "../../frame.js";
import { confirm } from "../../manage/confirm.js";
import { withSecr } from "../../manage/session.js";

const PROJECT = ["org", "project"] as const;

export function main(args: string[], io?: Io): Promise<number> {
  return manageMain(args, io, async ({ io, settings: load }) => {
    const { options, args: positional } = adminProjectsCreateCommand.parse(args);
    const match = /^([^/]+)\/([^/]+)$/.exec(positional.project);
    if (match === null) throw adminProjectsCreateCommand.usageError("name the project as ORG/PROJECT");
    const [, org, project] = match as unknown as [string, string, string];
    const settings = load(settingFlags(options), []);
    const created = await withSecr(settings, { where: `${org}/${project}`, write: true }, ({ client, signal }) =>
      client.createProject(org, project, { signal }),
    );
    if (options.json) printJson(io, created);
    else
      io.stdout.write(
        `created ${printable(`${created.org}/${created.slug}`)} with environments ${printable(created.environments.join(", "))}\n`,
      );
    return ExitCode.OK;
  });
}

export function listEnvs(args: string[], io?: Io): Promise<number> {
  return manageMain(args, io, async ({ io, settings: load }) => {
    const { options } = adminEnvsListCommand.parse(args);
    const settings = load(settingFlags(options), PROJECT);
    const where = scopeLabel(settings, PROJECT);
    const envs = await withSecr(settings, { where, write: false }, ({ client, signal }) =>
      client.listEnvironments(settings.org, settings.project, { signal }),
    );
    if (options.json)
      printJson(io, { org: settings.org, project: settings.project, environments: envs.map((e) => e.slug) });
    else io.stdout.write(envs.map((e) => `${printable(e.slug)}\n`).join(""));
    return ExitCode.OK;
  });
}

export function createEnv(args: string[], io?: Io): Promise<number> {
  return manageMain(args, io, async ({ io, settings: load }) => {
    const { options, args: positional } = adminEnvsCreateCommand.parse(args);
    const settings = load(settingFlags(options), PROJECT);
    const where = scopeLabel(settings, PROJECT);
    const created = await withSecr(
      settings,
      { where: `${where}/${positional.env}`, write: true },
      ({ client, signal }) => client.createEnvironment(settings.org, settings.project, positional.env, { signal }),
    );
    if (options.json) printJson(io, created);
    else io.stdout.write(`created ${where}/${printable(created.slug)}\n`);
    return ExitCode.OK;
  });
}

export function deleteEnv(args: string[], io?: Io): Promise<number> {
  return manageMain(args, io, async ({ io, settings: load }) => {
    const { options, args: positional } = adminEnvsDeleteCommand.parse(args);
    const settings = load(settingFlags(options), PROJECT);
    const target = `${scopeLabel(settings, PROJECT)}/${positional.env}`;
    if (!options.yes && !process.stdin.isTTY)
      throw new Failure(ExitCode.USAGE, `not deleting ${target} without confirmation: pass --yes`);
    const deleted = await withSecr(settings, { where: target, write: true }, async ({ client, signal }) => {
      const envs = await client.listEnvironments(settings.org, settings.project, { signal });
      if (!envs.some((e) => e.slug === positional.env))
        throw new Failure(ExitCode.CONFIG, `no environment ${target} (see secr-run admin envs list)`);
      if (!(await confirm(`delete ${target} and every secret in it?`, { yes: options.yes }))) return undefined;
      return client.deleteEnvironment(settings.org, settings.project, positional.env, { signal });
    });
    if (deleted === undefined) {
      io.stderr.write("secr-run: nothing was deleted\n");
      return ExitCode.OK;
    }
    if (options.json) printJson(io, { deleted: deleted.slug });
    else io.stdout.write(`deleted ${target}\n`);
    return ExitCode.OK;
  });
}
