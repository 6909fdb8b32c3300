// CLI entry, bundled to dist/bundle/main.js. Dispatches on the subcommand and loads only that
// command's module, so `--help`, `--version` and `serve` never pay for the launcher's client,
// undici or execa. Each command module exports `main(args): Promise<number>` (the exit code).

import { enableModuleCompileCache } from "./compile-cache-dir.js";

// First, so the command chunks loaded below come from the cache (Node >= 22.1; no-op before).
enableModuleCompileCache();

type Command = () => Promise<{ main(args: string[]): Promise<number> }>;

const subcommands: Record<string, Command> = {
  check: () => import("./check.js"),
  export: () => import("./export.js"),
};

/** Options are only those before `--`; what follows belongs to the child. */
function optionWords(args: readonly string[]): readonly string[] {
  const index = args.indexOf("--");
  return index === -1 ? args : args.slice(0, index);
}

async function dispatch(args: string[]): Promise<number> {
  const [first, ...rest] = args;
  const words = optionWords(args);
  if (first !== "serve" && (words.includes("--version") || words.includes("-V"))) {
    const { createRequire } = await import("node:module");
    const pkg = createRequire(import.meta.url)("../../package.json") as { version: string };
    process.stdout.write(`${pkg.version}\n`);
    return 0;
  }
  if (first === "help") {
    const topic = rest[0] === "check" || rest[0] === "export" ? rest[0] : "run";
    if (rest[0] === "serve") return (await import("./serve.js")).main(["--help"]);
    return (await import("./help.js")).printHelp(topic);
  }
  if (first === "serve") return (await import("./serve.js")).main(rest);
  if (first === "allow") return (await import("./allow.js")).main(rest);
  if (first === "deny") return (await import("./deny.js")).main(rest);
  const load = first !== undefined ? subcommands[first] : undefined;
  const kind = load ? (first as "check" | "export") : "run";
  const commandArgs = load ? rest : args;
  if (words.includes("--help") || words.includes("-h")) return (await import("./help.js")).printHelp(kind);
  if (args.length === 0) {
    process.stderr.write("secr-run: no command given: secr-run [options] -- <command> [args...] (see secr-run --help)\n");
    return 64;
  }
  if (load) return (await load()).main(commandArgs);
  return (await import("./run.js")).main(commandArgs);
}

dispatch(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`secr-run: internal error: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 70;
  },
);
