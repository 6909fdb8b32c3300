#!/usr/bin/env node
// The `secr-run` command. Everything lives in the bundled CLI (dist/bundle/main.js, split per
// command) so a start loads as little as possible: secr-run runs before every start of the
// user's program. Startup tuning belongs in the CLI (src/cli), never in the library.

// Node opens its inspector (a debugger on 127.0.0.1:9229) on SIGUSR1 while nothing listens for
// it. A process holding secrets must never do that, so listen from the first line, before the
// bundle loads (measured: 150 ms and more on a busy machine); `run`'s supervisor adds its own.
process.on("SIGUSR1", () => {});

try {
  await import("../dist/bundle/main.js");
} catch (error) {
  // A checkout without a build: one line, not a loader stack trace. Anything else is rethrown.
  if (error?.code !== "ERR_MODULE_NOT_FOUND" || !String(error.message).includes("dist/bundle/main.js")) throw error;
  process.stderr.write("secr-run: not built: dist/bundle/main.js is missing (run npm run build in the secr-run package)\n");
  process.exitCode = 70;
}
