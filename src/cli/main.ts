// CLI entry, bundled to dist/bundle/main.js. Dispatches on the subcommand and loads only
// that command's module, so `--version` and `serve` never pay for the launcher and vice versa.
// Each command module exports `main(args): Promise<number>` (the exit code).

const args = process.argv.slice(2);
const commands: Record<string, () => Promise<{ main(args: string[]): Promise<number> }>> = {
  serve: () => import("./serve.js"),
};

async function dispatch(): Promise<number> {
  const [first, ...rest] = args;
  if (first === "--version" || first === "-V") {
    const { createRequire } = await import("node:module");
    const pkg = createRequire(import.meta.url)("../../package.json") as { version: string };
    process.stdout.write(`${pkg.version}\n`);
    return 0;
  }
  const load = first !== undefined ? commands[first] : undefined;
  if (load) return (await load()).main(rest);
  process.stderr.write("secr-run: the launcher is not implemented yet\n");
  return 64;
}

dispatch().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`secr-run: internal error: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 70;
  },
);
