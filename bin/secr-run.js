#!/bin/sh
":" //; if [ -r /proc/self/status ]; then while read -r k v; do case $k in SigIgn:) SECR_RUN_SIGIGN=$v; export SECR_RUN_SIGIGN; break;; esac; done </proc/self/status; else unset SECR_RUN_SIGIGN; fi; exec node "$0" "$@"
// The `secr-run` command, a file that is both a POSIX shell script and JavaScript.
//
// Run as a program (the package's bin), /bin/sh runs the line above: it reads which signals the
// caller left ignored (SigIgn; HUP under nohup) with shell builtins only, no extra process, then
// execs Node on this same file. Node resets every ignored signal when it starts, so this is the
// last moment they can be seen; the supervisor re-applies them in the child
// (docs/design/process-model.md, "Ignored signals"). To Node that line is a string and a comment.
// `node bin/secr-run.js` skips it: everything works, but the ignored set is unknown.
//
// CommonJS (bin/package.json): Node 20 compiles an ES module entry from source on every start and
// loads its ES module loader (17 more built-ins) for it. Everything else lives in the bundled CLI,
// dist/bundle/main.cjs, which loads each command's own bundle, so a start loads as little as
// possible: secr-run runs before every start of the user's program. Startup tuning belongs in the
// CLI (src/cli), never in the library.

// Node opens its inspector (a debugger on 127.0.0.1:9229) on SIGUSR1 while nothing listens for
// it. A process holding secrets must never do that, so listen from the first line, before the
// bundle loads (measured: 150 ms and more on a busy machine); `run`'s supervisor adds its own.
process.on("SIGUSR1", () => {});

try {
  require("../dist/bundle/main.cjs");
} catch (error) {
  // A checkout without a build: one line, not a loader stack trace. Anything else is rethrown.
  if (error?.code !== "MODULE_NOT_FOUND" || !String(error.message).includes("dist/bundle/main.cjs")) throw error;
  process.stderr.write("secr-run: not built: dist/bundle/main.cjs is missing (run npm run build in the secr-run package)\n");
  process.exitCode = 70;
}
