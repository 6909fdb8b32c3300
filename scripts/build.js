// Build: the library (tsc -> dist/, with .d.ts) and the CLI bundle (esbuild -> dist/bundle/).
//
// The launcher's startup cost is paid on every start of the user's program, so the CLI is
// bundled for it (measured by `npm run bench`, see BENCHMARKS.md):
// - Code splitting: main.js loads only the chunks of the command it runs (--version and
//   --help never load the client, undici or execa; run loads execa only once it spawns).
// - `serve` is a bundle of its own (dist/bundle/serve.js). With shared splitting, esbuild puts
//   a module used by two commands into one chunk holding the union of what either uses: the
//   server's full `zod` (every locale, JSON schema, ...) landed in the chunk the launcher loads
//   for its few `zod/mini` schemas, 620 KB instead of 42 KB on every run.
import { execFileSync } from "node:child_process";
import { rmSync } from "node:fs";
import { build } from "esbuild";

rmSync(new URL("../dist", import.meta.url), { recursive: true, force: true });
execFileSync(process.execPath, ["node_modules/typescript/bin/tsc", "-p", "tsconfig.build.json"], { stdio: "inherit" });

const common = {
  outdir: "dist/bundle",
  bundle: true,
  format: "esm",
  platform: "node",
  target: "node20",
  minifySyntax: true,
  legalComments: "none",
  logLevel: "warning",
  // CommonJS dependencies (undici) call require(); give the ESM bundle one.
  banner: { js: "import { createRequire as __secrCreateRequire } from 'node:module'; const require = __secrCreateRequire(import.meta.url);" },
};

/** main.ts's `import("./serve.js")` stays a runtime import of the separately built dist/bundle/serve.js. */
const serveApart = {
  name: "serve-apart",
  setup(b) {
    b.onResolve({ filter: /^\.\/serve\.js$/ }, (args) => (/[\\/]src[\\/]cli[\\/]main\.ts$/.test(args.importer) ? { path: "./serve.js", external: true } : undefined));
  },
};

await Promise.all([
  build({ ...common, entryPoints: { main: "src/cli/main.ts" }, splitting: true, plugins: [serveApart] }),
  build({ ...common, entryPoints: { serve: "src/cli/serve.ts" } }),
]);
