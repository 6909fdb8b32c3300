// CLI entry, bundled to dist/bundle/main.cjs (scripts/build.js). Finds the command (dispatch.ts) and loads only that
// command's module, so `--help`, `--version` and `serve` never pay for the launcher's client,
// undici or execa. Each command module exports `main(args): Promise<number>` (the exit code).
//
// Adding a command: declare it (src/cli/commands/<name>.ts), write its main, add one entry to
// COMMANDS. See docs/design/cli-architecture.md.
import { enableModuleCompileCache } from "./compile-cache-dir.js";
import {
  adminEnvsCreateCommand,
  adminEnvsDeleteCommand,
  adminEnvsListCommand,
  adminProjectsCreateCommand,
  adminTokensCreateCommand,
  adminTokensListCommand,
  adminTokensRevokeCommand,
} from "./commands/admin.js";
import { checkCommand } from "./commands/check.js";
import { completionCommand } from "./commands/completion.js";
import { explainCommand } from "./commands/explain.js";
import { exportCommand } from "./commands/export.js";
import { initCommand } from "./commands/init.js";
import { secretsDeleteCommand, secretsGetCommand, secretsImportCommand, secretsListCommand, secretsPromoteCommand, secretsSetCommand } from "./commands/secrets.js";
import { templatesDeleteCommand, templatesListCommand, templatesSetCommand, templatesShowCommand, templatesValidateCommand } from "./commands/templates.js";
import { runCommand } from "./commands/run.js";
import { serveCommand } from "./commands/serve.js";
import { allowCommand, denyCommand } from "./commands/trust.js";
import type { CommandDefinition } from "./define/command.js";
import { dispatch } from "./dispatch.js";
import { preconnect, preconnectTarget } from "./preconnect.js";
import { ExitCode } from "./exit-codes.js";

// First, so the command chunks loaded below come from the cache (Node >= 22.1; no-op before).
enableModuleCompileCache();

interface CommandEntry {
  definition: CommandDefinition;
  /** The module with `main(args)`; `./run.js` and `./serve.js` are separate builds (scripts/build.js). */
  load: () => Promise<{ main(args: string[]): Promise<number> }>;
}

const COMMANDS: readonly CommandEntry[] = [
  { definition: runCommand, load: () => import("./run.js") },
  { definition: checkCommand, load: () => import("./check.js") },
  { definition: exportCommand, load: () => import("./export.js") },
  { definition: explainCommand, load: () => import("./explain.js") },
  { definition: serveCommand, load: () => import("./serve.js") },
  { definition: allowCommand, load: () => import("./allow.js") },
  { definition: denyCommand, load: () => import("./deny.js") },
  { definition: initCommand, load: () => import("./manage/init.js") },
  { definition: secretsListCommand, load: () => import("./manage/secrets-list.js") },
  { definition: secretsGetCommand, load: () => import("./manage/secrets-get.js") },
  { definition: secretsSetCommand, load: () => import("./manage/secrets-set.js") },
  { definition: secretsImportCommand, load: () => import("./manage/secrets-import.js") },
  { definition: secretsDeleteCommand, load: () => import("./manage/secrets-delete.js") },
  { definition: secretsPromoteCommand, load: () => import("./manage/secrets-promote.js") },
  { definition: templatesListCommand, load: () => import("./manage/templates-list.js") },
  { definition: templatesShowCommand, load: async () => ({ main: (await import("./manage/templates-list.js")).show }) },
  { definition: templatesSetCommand, load: () => import("./manage/templates-set.js") },
  { definition: templatesDeleteCommand, load: async () => ({ main: (await import("./manage/templates-set.js")).remove }) },
  { definition: adminProjectsCreateCommand, load: () => import("./manage/admin-projects.js") },
  { definition: adminEnvsListCommand, load: async () => ({ main: (await import("./manage/admin-projects.js")).listEnvs }) },
  { definition: adminEnvsCreateCommand, load: async () => ({ main: (await import("./manage/admin-projects.js")).createEnv }) },
  { definition: adminEnvsDeleteCommand, load: async () => ({ main: (await import("./manage/admin-projects.js")).deleteEnv }) },
  { definition: adminTokensCreateCommand, load: () => import("./manage/admin-tokens.js") },
  { definition: adminTokensListCommand, load: async () => ({ main: (await import("./manage/admin-tokens.js")).list }) },
  { definition: adminTokensRevokeCommand, load: async () => ({ main: (await import("./manage/admin-tokens.js")).revoke }) },
  { definition: templatesValidateCommand, load: async () => ({ main: (args) => import("./check.js").then((m) => m.check(templatesValidateCommand, args)) }) },
  {
    definition: completionCommand,
    load: async () => ({
      main: (args) =>
        import("./completion.js").then((m) =>
          m.main(
            args,
            COMMANDS.map((entry) => entry.definition),
          ),
        ),
    }),
  },
];

async function main(args: string[]): Promise<number> {
  const definitions = COMMANDS.map((entry) => entry.definition);
  if (args.length === 0) {
    process.stderr.write("secr-run: no command given: secr-run [options] -- <command> [args...] (see secr-run --help)\n");
    return ExitCode.USAGE;
  }
  const decision = dispatch(args, definitions);
  switch (decision.kind) {
    case "version": {
      const { createRequire } = await import("node:module");
      const pkg = createRequire(import.meta.url)("../../package.json") as { version: string };
      process.stdout.write(`${pkg.version}\n`);
      return ExitCode.OK;
    }
    case "help":
      return (await import("./help.js")).printHelp(decision.command, definitions);
    case "group-help":
      return (await import("./help.js")).printGroupHelp(decision.prefix, decision.commands);
    case "usage":
      process.stderr.write(`secr-run: ${decision.message}\n`);
      return ExitCode.USAGE;
    case "run":
      // One turn of the event loop lets the early connect leave before the launcher loads.
      if (decision.command === runCommand && connectEarly(decision.args)) await new Promise((resolve) => setImmediate(resolve));
      return COMMANDS.find((entry) => entry.definition === decision.command)!
        .load()
        .then((module) => module.main(decision.args));
  }
}

/** Open the connection to secr while the launcher loads (preconnect.ts); the run reports any problem itself. */
function connectEarly(args: string[]): boolean {
  try {
    const target = preconnectTarget(runCommand.parse(args).options, process.env);
    if (target === undefined) return false;
    preconnect(target).catch(() => {});
    return true;
  } catch {
    return false; // a usage error: the run reports it
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`secr-run: internal error: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = ExitCode.SOFTWARE;
  },
);
