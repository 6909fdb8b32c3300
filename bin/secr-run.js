#!/usr/bin/env node
// The `secr-run` command. Everything lives in the bundled CLI (dist/bundle/main.js, split per
// command) so a start loads as little as possible: secr-run runs before every start of the
// user's program. Startup tuning belongs in the CLI (src/cli), never in the library.

// Node opens its inspector (a debugger on 127.0.0.1:9229) on SIGUSR1 while nothing listens for
// it. A process holding secrets must never do that, so listen from the first line, before the
// bundle loads (measured: 150 ms and more on a busy machine); `run`'s supervisor adds its own.
process.on("SIGUSR1", () => {});

await import("../dist/bundle/main.js");
