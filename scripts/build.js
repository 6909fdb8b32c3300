// Build: the library (tsc -> dist/, with .d.ts) and the CLI bundle (esbuild -> dist/bundle/).
//
// The launcher's startup cost is paid on every start of the user's program, so the CLI is
// bundled for it (measured by `npm run bench`, see BENCHMARKS.md):
// - main.cjs (CommonJS, what bin/secr-run.js requires) dispatches and loads only what the command
//   needs: --version and --help never load the client, undici or execa. CommonJS because Node 20
//   compiles an ES module entry and its chunks from source on every start, through its ES module
//   loader (17 more built-ins); the other commands stay ES modules, split, loaded by import().
// - `run`, the main job, is one CommonJS file (run.cjs) that main.cjs evaluates through V8's code
//   cache (src/cli/startup/code-cache.ts): after the first run its ~1 MB are not compiled again.
//   Its modules still initialise lazily (esbuild wraps each dynamically imported module).
// - undici's HTTP/2 module (and with it node:http2 and node:tls), node:http and node:assert are
//   required on first use, not at load (leanUndici); so are node:crypto, node:v8 and a few more
//   in run.cjs (LAZY_BUILTINS). docs/design/startup.md lists who needed which built-in.
// - `serve` is a bundle of its own (serve.js). With shared splitting, esbuild puts a module used
//   by two commands into one chunk holding the union of what either uses: the server's full
//   `zod` (every locale, JSON schema, ...) landed in the chunk the launcher loaded for its few
//   `zod/mini` schemas, 620 KB instead of 42 KB on every run.
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

rmSync(new URL("../dist", import.meta.url), { recursive: true, force: true });
mkdirSync(new URL("../dist/bundle", import.meta.url), { recursive: true });
execFileSync(process.execPath, ["node_modules/typescript/bin/tsc", "-p", "tsconfig.build.json"], { stdio: "inherit" });

// `--readable` keeps names, whitespace and the `// node_modules/...` markers bench/where.js
// attributes profile samples by. Minified, run.cjs is about half the bytes to read and to hold:
// on this kind of VM touching memory is what a start spends most on (docs/design/startup.md).
const readable = process.argv.includes("--readable");
const common = {
  outdir: "dist/bundle",
  bundle: true,
  platform: "node",
  target: "node20",
  minifySyntax: true,
  minifyWhitespace: !readable,
  minifyIdentifiers: !readable,
  legalComments: "none",
  logLevel: "warning",
};
// CommonJS dependencies (undici) call require(); give the ESM bundles one.
const esmBanner = {
  js: "import { createRequire as __secrCreateRequire } from 'node:module'; const require = __secrCreateRequire(import.meta.url);",
};

/** src/cli/main.ts's dynamic imports: the command modules main.cjs loads, each built on its own. */
const COMMAND_MODULES = /^\.\/(?:commands\/[\w-]+\/)?[\w-]+\.js$/;
const commandEntries = async () => {
  const main = await readFile(new URL("../src/cli/main.ts", import.meta.url), "utf8");
  const paths = [...new Set([...main.matchAll(/import\("(\.\/[\w/-]+)\.js"\)/g)].map((m) => m[1]))];
  return paths
    .filter((p) => p !== "./commands/run/main" && p !== "./commands/serve/main")
    .map((p) => `src/cli/${p.slice(2)}.ts`);
};

/**
 * main.cjs keeps its command modules apart: `./commands/run/main.js` becomes run.cjs through V8's code cache,
 * every other `import("./commands/x/y.js")` stays a dynamic import of the ES module built at that path.
 */
const commandsApart = {
  name: "commands-apart",
  setup(b) {
    const fromMain = (args) => /[\\/]src[\\/]cli[\\/]main\.ts$/.test(args.importer);
    b.onResolve({ filter: /^\.\/commands\/run\/main\.js$/ }, (args) =>
      fromMain(args) ? { path: "run", namespace: "run-through-code-cache" } : undefined,
    );
    // serve is a bundle of its own, dist/bundle/serve.js (see the build of it below).
    b.onResolve({ filter: /^\.\/commands\/serve\/main\.js$/ }, (args) =>
      fromMain(args) ? { path: "./serve.js", external: true } : undefined,
    );
    b.onResolve({ filter: COMMAND_MODULES }, (args) =>
      fromMain(args) && args.kind === "dynamic-import" ? { path: args.path, external: true } : undefined,
    );
    b.onLoad({ filter: /.*/, namespace: "run-through-code-cache" }, () => ({
      loader: "js",
      resolveDir: fileURLToPath(new URL("../src/cli/startup", import.meta.url)),
      // The loader (and node:vm with it) only when `run` is the command.
      contents:
        'export async function main(...args) { return (await import("./code-cache.ts")).loadWithCodeCache(new URL("./run.cjs", import.meta.url)).main(...args); }',
    }));
  },
};

/**
 * Three guarded build-time rewrites of undici's sources, each keeping a module off the start path
 * (a rewrite whose text is not found does nothing: another undici is bundled as it is):
 * - its Client requires its HTTP/2 module at load, and with it node:http2 and node:tls, though
 *   secr-run never negotiates HTTP/2 (undici's allowH2 is off): required on first use instead;
 * - it loads node:http (the whole server side with it, ≈ 9 modules) for two facts: the default
 *   header size limit (read on first use; secr-run's client passes its own) and the
 *   IncomingMessage class (compared against only once an object of that name shows up);
 * - it checks its invariants with `assert(value)` only; node:assert (≈ 5 modules) is loaded
 *   when one fails, so the error is node:assert's own.
 */
const UNDICI_REWRITES = [
  {
    file: /[\\/]undici[\\/]lib[\\/]dispatcher[\\/]client\.js$/,
    edits: [
      [
        "const connectH2 = require('./client-h2.js')",
        "const connectH2 = (client, socket) => require('./client-h2.js')(client, socket)",
      ],
      ["const http = require('node:http')\n", ""],
      [
        "const getDefaultNodeMaxHeaderSize = http &&",
        "const getDefaultNodeMaxHeaderSize = () => getNodeMaxHeaderSize(require('node:http'))\nconst getNodeMaxHeaderSize = (http) => http &&",
      ],
      ["  ? () => http.maxHeaderSize\n  : () => { throw", "  ? http.maxHeaderSize\n  : (() => { throw"],
      ["http.maxHeaderSize invalid') }\n", "http.maxHeaderSize invalid') })()\n"],
    ],
  },
  {
    file: /[\\/]undici[\\/]lib[\\/]core[\\/]util\.js$/,
    edits: [
      ["const { IncomingMessage } = require('node:http')\n", ""],
      [
        "if (Object.getPrototypeOf(stream).constructor === IncomingMessage) {",
        "if (Object.getPrototypeOf(stream).constructor?.name === 'IncomingMessage' && Object.getPrototypeOf(stream).constructor === require('node:http').IncomingMessage) {",
      ],
    ],
  },
];
const UNDICI_ASSERT =
  "module.exports = function assert(value, message) { if (!value) require('node:assert')(value, message) }";
const leanUndici = {
  name: "lean-undici",
  setup(b) {
    b.onLoad({ filter: /[\\/]undici[\\/]lib[\\/].*\.js$/ }, async (args) => {
      const rewrite = UNDICI_REWRITES.find((r) => r.file.test(args.path));
      if (rewrite === undefined) return undefined;
      const text = await readFile(args.path, "utf8");
      // All or nothing per file: a partly rewritten module could be worse than the original.
      if (!rewrite.edits.every(([from]) => text.includes(from))) return undefined;
      return { contents: rewrite.edits.reduce((t, [from, to]) => t.replace(from, to), text), loader: "js" };
    });
    b.onResolve({ filter: /^(node:)?assert$/ }, (args) =>
      /[\\/]undici[\\/]lib[\\/]/.test(args.importer) ? { path: "assert", namespace: "undici-assert" } : undefined,
    );
    b.onLoad({ filter: /.*/, namespace: "undici-assert" }, () => ({ contents: UNDICI_ASSERT, loader: "js" }));
  },
};

/**
 * undici's HTTP parser (llhttp) is WebAssembly shipped as base64 text, in two builds (SIMD and
 * not): 142 KB of every run.cjs start's source, of which one is decoded once. In run.cjs each is
 * instead read, as bytes, from a file next to the bundle when undici first needs it
 * (dist/bundle/llhttp*.wasm, written by the build from undici's own text).
 */
const LLHTTP_WASM = { "llhttp_simd-wasm.js": "llhttp_simd.wasm", "llhttp-wasm.js": "llhttp.wasm" };
const llhttpApart = {
  name: "llhttp-apart",
  setup(b) {
    b.onLoad({ filter: /[\\/]undici[\\/]lib[\\/]llhttp[\\/]llhttp(_simd)?-wasm\.js$/ }, async (args) => {
      const wasm = LLHTTP_WASM[args.path.split(/[\\/]/).pop()];
      const base64 = /const wasmBase64 = '([A-Za-z0-9+/=]+)'/.exec(await readFile(args.path, "utf8"))?.[1];
      if (wasm === undefined || base64 === undefined) return undefined; // another undici: bundled as it is
      writeFileSync(new URL(`../dist/bundle/${wasm}`, import.meta.url), Buffer.from(base64, "base64"));
      // __dirname is the bundle's directory (src/cli/startup/code-cache.ts passes it).
      return {
        contents: `let bytes; Object.defineProperty(module, "exports", { get: () => (bytes ??= require("node:fs").readFileSync(require("node:path").join(__dirname, ${JSON.stringify(wasm)}))) });`,
        loader: "js",
      };
    });
  },
};

/**
 * Node built-ins `run` may need, but rarely before the child starts: each `require("node:x")` of
 * these becomes a stand-in that requires the module on its first property access. esbuild calls
 * a named import as `(0, import_x.name)(...)`, so only a property read ever reaches the module.
 * crypto (with OpenSSL's setup) serves the snapshot written while the child runs and the trust
 * hashes; v8 serves execa's IPC; fs/promises and timers/promises serve later steps. Default and
 * namespace imports (wrapped in esbuild's __toESM) stay eager: copying their keys would load them.
 * test/cli/builtins.test.ts holds the list of built-ins a run may load before its child.
 */
const LAZY_BUILTINS = ["node:crypto", "node:v8", "node:fs/promises", "node:timers/promises"];
const LAZY_BUILTIN_HELPER = [
  "const __secrNow = () => process.uptime() * 1000;",
  "const __secrLazy = (id) => { let m; const load = () => (m ??= require(id));",
  "  return new Proxy({}, { get: (_, key) => load()[key], has: (_, key) => key in load() }); };",
].join("\n");
function lazyBuiltins(text) {
  return text.replace(/(__toESM\()?\brequire\("(node:[\w/]+)"\)/g, (whole, wrapped, id) =>
    !wrapped && LAZY_BUILTINS.includes(id) ? `__secrLazy("${id}")` : whole,
  );
}

/**
 * A CommonJS bundle: `run` (the form V8's code cache takes, vm.Script) and `main`, the entry the
 * bin requires (Node 20 compiles an ES module entry and its chunks from source on every start, and
 * its ES module loader costs 17 more built-ins). The ES-module-only constructs are mapped to their
 * CommonJS equivalents, and the build fails if one is left over.
 */
async function buildCommonJs(name, entry, { throughCodeCache, plugins }) {
  const result = await build({
    ...common,
    plugins: [leanUndici, ...plugins],
    entryPoints: { [name]: entry },
    format: "cjs",
    outExtension: { ".js": ".cjs" },
    write: false,
    // The bundle stays in dist/bundle/, so URLs relative to it resolve as they did in ESM.
    // ES modules are strict; so is this file.
    banner: {
      js: [
        '"use strict";',
        'const __secrImportMetaUrl = require("node:url").pathToFileURL(__filename).href;',
        LAZY_BUILTIN_HELPER,
      ].join("\n"),
    },
    // `performance` is a lazy global: its first use loads perf_hooks and eight more modules
    // (≈ 2-3 ms) only to read a clock. process.uptime() reads the same one (since process start).
    define: { "import.meta.url": "__secrImportMetaUrl", "performance.now": "__secrNow" },
  });
  for (const file of result.outputFiles) {
    // Node's built-in modules are required; a vm.Script cannot import() them.
    let text = file.text.replace(/\bimport\("(node:[\w/]+)"\)/g, 'Promise.resolve().then(() => require("$1"))');
    text = lazyBuiltins(text);
    // main.cjs is required and may import() the command modules; vm.Script code cannot import().
    const leftover = (throughCodeCache ? /\bimport\("|\bimport\.meta\b/ : /\bimport\.meta\b/).exec(text);
    if (leftover)
      throw new Error(
        `dist/bundle/${name}.cjs: ${leftover[0]} cannot run as CommonJS: ${text.slice(leftover.index, leftover.index + 80)}`,
      );
    // src/cli/startup/code-cache.ts reads the file as latin1; esbuild escapes non-ASCII (charset "ascii").
    const wide = /[^\x00-\x7f]/.exec(text);
    if (wide)
      throw new Error(
        `dist/bundle/${name}.cjs: a non-ASCII character would not survive the loader's latin1 read: ${text.slice(wide.index - 40, wide.index + 40)}`,
      );
    if (!throughCodeCache) {
      writeFileSync(file.path, text);
      continue;
    }
    const build = createHash("sha256").update(text).digest("hex").slice(0, 32);
    // Already wrapped as Node wraps a CommonJS module: the loader compiles the file's text as it is,
    // without a second ~1 MB copy of it.
    writeFileSync(
      file.path,
      `// secr-run build ${build}\n(function (exports, require, module, __filename, __dirname) {${text}\n})`,
    );
  }
}

await Promise.all([
  // Every command but run and serve: ES modules at the paths main.ts imports, sharing chunks.
  build({
    ...common,
    entryPoints: await commandEntries(),
    outbase: "src/cli",
    entryNames: "[dir]/[name]",
    format: "esm",
    splitting: true,
    plugins: [leanUndici],
    banner: esmBanner,
  }),
  build({ ...common, entryPoints: { serve: "src/cli/commands/serve/main.ts" }, format: "esm", banner: esmBanner }),
  buildCommonJs("main", "src/cli/main.ts", { throughCodeCache: false, plugins: [commandsApart] }),
  buildCommonJs("run", "src/cli/commands/run/main.ts", { throughCodeCache: true, plugins: [llhttpApart] }),
]);
