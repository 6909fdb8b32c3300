// Build: the library (tsc -> dist/, with .d.ts) and the CLI bundle (esbuild -> dist/bundle/).
//
// The launcher's startup cost is paid on every start of the user's program, so the CLI is
// bundled for it (measured by `npm run bench`, see BENCHMARKS.md):
// - main.js (ESM, code splitting) dispatches and loads only what the command needs: --version
//   and --help never load the client, undici or execa.
// - `run`, the main job, is one CommonJS file (run.cjs) that main.js evaluates through V8's code
//   cache (src/cli/code-cache.ts): after the first run its ~950 KB are not compiled again.
//   Its modules still initialise lazily (esbuild wraps each dynamically imported module).
// - undici's HTTP/2 module (and with it node:http2 and node:tls) is required on first use, not at
//   load: secr-run never negotiates HTTP/2.
// - `serve` is a bundle of its own (serve.js). With shared splitting, esbuild puts a module used
//   by two commands into one chunk holding the union of what either uses: the server's full
//   `zod` (every locale, JSON schema, ...) landed in the chunk the launcher loaded for its few
//   `zod/mini` schemas, 620 KB instead of 42 KB on every run.
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { rmSync, writeFileSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

rmSync(new URL("../dist", import.meta.url), { recursive: true, force: true });
execFileSync(process.execPath, ["node_modules/typescript/bin/tsc", "-p", "tsconfig.build.json"], { stdio: "inherit" });

const common = {
  outdir: "dist/bundle",
  bundle: true,
  platform: "node",
  target: "node20",
  minifySyntax: true,
  legalComments: "none",
  logLevel: "warning",
};
// CommonJS dependencies (undici) call require(); give the ESM bundles one.
const esmBanner = { js: "import { createRequire as __secrCreateRequire } from 'node:module'; const require = __secrCreateRequire(import.meta.url);" };

/** What main.ts imports as ./serve.js and ./run.js are the separately built files, not chunks. */
const commandsApart = {
  name: "commands-apart",
  setup(b) {
    const fromMain = (args) => /[\\/]src[\\/]cli[\\/]main\.ts$/.test(args.importer);
    b.onResolve({ filter: /^\.\/serve\.js$/ }, (args) => (fromMain(args) ? { path: "./serve.js", external: true } : undefined));
    b.onResolve({ filter: /^\.\/run\.js$/ }, (args) => (fromMain(args) ? { path: "run", namespace: "run-through-code-cache" } : undefined));
    b.onLoad({ filter: /.*/, namespace: "run-through-code-cache" }, () => ({
      loader: "js",
      resolveDir: fileURLToPath(new URL("../src/cli", import.meta.url)),
      contents: [
        'import { loadWithCodeCache } from "./code-cache.ts";',
        'export function main(args) { return loadWithCodeCache(new URL("./run.cjs", import.meta.url)).main(args); }',
      ].join("\n"),
    }));
  },
};

/**
 * undici's Client requires its HTTP/2 module at load, and with it node:http2 and node:tls, though
 * secr-run never negotiates HTTP/2 (undici's allowH2 is off). Require it on first use instead.
 */
const lazyHttp2 = {
  name: "undici-lazy-http2",
  setup(b) {
    b.onLoad({ filter: /[\\/]undici[\\/]lib[\\/]dispatcher[\\/]client\.js$/ }, async (args) => {
      const text = await readFile(args.path, "utf8");
      const eager = "const connectH2 = require('./client-h2.js')";
      if (!text.includes(eager)) return undefined; // another undici: bundle it as it is
      return { contents: text.replace(eager, "const connectH2 = (client, socket) => require('./client-h2.js')(client, socket)"), loader: "js" };
    });
  },
};

/**
 * `run` as CommonJS, the form V8's code cache takes (vm.Script). The ES-module-only constructs are
 * mapped to their CommonJS equivalents, and the build fails if one is left over.
 */
async function buildRun() {
  const result = await build({
    ...common,
    plugins: [lazyHttp2],
    entryPoints: { run: "src/cli/run.ts" },
    format: "cjs",
    outExtension: { ".js": ".cjs" },
    write: false,
    // The bundle stays in dist/bundle/, so URLs relative to it resolve as they did in ESM.
    define: { "import.meta.url": "__secrImportMetaUrl" },
    // ES modules are strict; so is this file.
    banner: { js: '"use strict";\nconst __secrImportMetaUrl = require("node:url").pathToFileURL(__filename).href;' },
  });
  for (const file of result.outputFiles) {
    // Only Node's built-in modules stay outside the bundle; a vm.Script cannot import() them.
    const text = file.text.replace(/\bimport\("(node:[\w/]+)"\)/g, 'Promise.resolve().then(() => require("$1"))');
    const leftover = /\bimport\("|\bimport\.meta\b/.exec(text);
    if (leftover) throw new Error(`dist/bundle/run.cjs: ${leftover[0]} cannot run as CommonJS: ${text.slice(leftover.index, leftover.index + 80)}`);
    const build = createHash("sha256").update(text).digest("hex").slice(0, 32);
    // Already wrapped as Node wraps a CommonJS module: the loader compiles the file's text as it is,
    // without a second ~1 MB copy of it.
    writeFileSync(file.path, `// secr-run build ${build}\n(function (exports, require, module, __filename, __dirname) {${text}\n})`);
  }
}

await Promise.all([
  build({ ...common, entryPoints: { main: "src/cli/main.ts" }, format: "esm", splitting: true, plugins: [commandsApart, lazyHttp2], banner: esmBanner }),
  build({ ...common, entryPoints: { serve: "src/cli/serve.ts" }, format: "esm", banner: esmBanner }),
  buildRun(),
]);
