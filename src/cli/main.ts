// CLI entry, bundled to dist/bundle/main.cjs (scripts/build.js). Finds the command (dispatch.ts) and loads only that
// command's module, so `--help`, `--version` and `serve` never pay for the launcher's client,
// undici or execa. Each command module exports `main(args): Promise<number>` (the exit code).
//
// Adding a command: a folder src/cli/commands/<name>/ with its declaration (command.ts) and its
// main, and one entry in COMMANDS. See docs/design/cli-architecture.md.
import { enableModuleCompileCache } from "./startup/compile-cache-dir.js";
import {
  adminEnvsCreateCommand,
  adminEnvsDeleteCommand,
  adminEnvsListCommand,
  adminProjectsCreateCommand,
  adminTokensCreateCommand,
  adminTokensListCommand,
  adminTokensRevokeCommand,
} from "./commands/admin/command.js";
import { checkCommand } from "./commands/check/command.js";
import { completionCommand } from "./commands/completion/command.js";
import { explainCommand } from "./commands/explain/command.js";
import { exportCommand } from "./commands/export/command.js";
import { initCommand } from "./commands/init/command.js";
import {
  secretsDeleteCommand,
  secretsGetCommand,
  secretsImportCommand,
  secretsListCommand,
  secretsPromoteCommand,
  secretsSetCommand,
} from "./commands/secrets/command.js";
import {
  templatesDeleteCommand,
  templatesListCommand,
  templatesSetCommand,
  templatesShowCommand,
  templatesValidateCommand,
} from "./commands/templates/command.js";
import { runCommand } from "./commands/run/command.js";
import { serveCommand } from "./commands/serve/command.js";
import { allowCommand, denyCommand } from "./commands/trust/command.js";
import type { CommandDefinition } from "./define/command.js";
import type { Io } from "./frame.js";
import { dispatch } from "./dispatch.js";
import { preconnect, preconnectTarget } from "../pipeline/preconnect.js";
import { ExitCode } from "../core/exit-codes.js";

// First, so the command chunks loaded below come from the cache (Node >= 22.1; no-op before).
enableModuleCompileCache();

interface CommandEntry {
  definition: CommandDefinition;
  /** Its main, loaded on use; `./commands/run/main.js` and `./commands/serve/main.js` are separate builds (scripts/build.js). */
  load: () => Promise<CommandMain>;
}

/** A command's main (src/cli/frame.ts); `completion` also reads the registry's declarations. */
type CommandMain = (args: string[], io: Io | undefined, commands: readonly CommandDefinition[]) => Promise<number>;

const COMMANDS: readonly CommandEntry[] = [
  { definition: runCommand, load: () => import("./commands/run/main.js").then((m) => m.main) },
  { definition: checkCommand, load: () => import("./commands/check/main.js").then((m) => m.main) },
  { definition: exportCommand, load: () => import("./commands/export/main.js").then((m) => m.main) },
  { definition: explainCommand, load: () => import("./commands/explain/main.js").then((m) => m.main) },
  { definition: serveCommand, load: () => import("./commands/serve/main.js").then((m) => m.main) },
  { definition: allowCommand, load: () => import("./commands/trust/allow.js").then((m) => m.main) },
  { definition: denyCommand, load: () => import("./commands/trust/deny.js").then((m) => m.main) },
  { definition: initCommand, load: () => import("./commands/init/main.js").then((m) => m.main) },
  { definition: secretsListCommand, load: () => import("./commands/secrets/list.js").then((m) => m.main) },
  { definition: secretsGetCommand, load: () => import("./commands/secrets/get.js").then((m) => m.main) },
  { definition: secretsSetCommand, load: () => import("./commands/secrets/set.js").then((m) => m.main) },
  { definition: secretsImportCommand, load: () => import("./commands/secrets/import.js").then((m) => m.main) },
  { definition: secretsDeleteCommand, load: () => import("./commands/secrets/delete.js").then((m) => m.main) },
  { definition: secretsPromoteCommand, load: () => import("./commands/secrets/promote.js").then((m) => m.main) },
  { definition: templatesListCommand, load: () => import("./commands/templates/list.js").then((m) => m.main) },
  { definition: templatesShowCommand, load: () => import("./commands/templates/show.js").then((m) => m.main) },
  { definition: templatesSetCommand, load: () => import("./commands/templates/set.js").then((m) => m.main) },
  { definition: templatesDeleteCommand, load: () => import("./commands/templates/delete.js").then((m) => m.main) },
  { definition: templatesValidateCommand, load: () => import("./commands/templates/validate.js").then((m) => m.main) },
  { definition: adminProjectsCreateCommand, load: () => import("./commands/admin/projects.js").then((m) => m.main) },
  { definition: adminEnvsListCommand, load: () => import("./commands/admin/projects.js").then((m) => m.listEnvs) },
  { definition: adminEnvsCreateCommand, load: () => import("./commands/admin/projects.js").then((m) => m.createEnv) },
  { definition: adminEnvsDeleteCommand, load: () => import("./commands/admin/projects.js").then((m) => m.deleteEnv) },
  { definition: adminTokensCreateCommand, load: () => import("./commands/admin/tokens.js").then((m) => m.main) },
  { definition: adminTokensListCommand, load: () => import("./commands/admin/tokens.js").then((m) => m.list) },
  { definition: adminTokensRevokeCommand, load: () => import("./commands/admin/tokens.js").then((m) => m.revoke) },
  { definition: completionCommand, load: () => import("./commands/completion/main.js").then((m) => m.main) },
];

async function main(args: string[]): Promise<number> {
  const definitions = COMMANDS.map((entry) => entry.definition);
  if (args.length === 0) {
    process.stderr.write(
      "secr-run: no command given: secr-run [options] -- <command> [args...] (see secr-run --help)\n",
    );
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
      if (decision.command === runCommand && connectEarly(decision.args))
        await new Promise((resolve) => setImmediate(resolve));
      return COMMANDS.find((entry) => entry.definition === decision.command)!
        .load()
        .then((main) => main(decision.args, undefined, definitions));
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
