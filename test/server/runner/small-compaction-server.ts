// A server process whose journal is compacted every few writes (tiny threshold), for the
// compaction crash test: bundled by the test, run as a real process, killed with SIGKILL.
// argv: dataPath; env SECR_TEST_KEY (base64). Prints its URL as one line.
import { startServer } from "../../../src/server/index.js";

const server = await startServer({
  port: 0,
  dataPath: process.argv[2]!,
  key: process.env.SECR_TEST_KEY!,
  adminToken: "secr_cli_compaction",
  compactMinBytes: 1,
  accessLog: false,
});
// The handler before the URL: the test may signal as soon as it reads the line (a pipe write can
// reach it before the next statement runs), and an unhandled SIGTERM would leave the lock behind.
process.on("SIGTERM", () => void server.close().then(() => process.exit(0)));
process.stdout.write(`${server.url}\n`);
