// `secr-run serve --stop`: SIGTERM to the server holding the data directory's lock (its pid and
// start time, so a reused pid is never signalled), then wait until it has exited. No server
// running is not an error: the wanted state holds. See docs/guide/serve.md.
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { ExitCode } from "../../../core/exit-codes.js";
import { pidAlive } from "../../../fs/pid-alive.js";
import { lockHolder } from "../../../server/index.js";

const STOP_TIMEOUT_MS = 15_000;

export async function stop(dataPath: string, say: (line: string) => void): Promise<number> {
  const owner = await lockHolder(join(dataPath, "lock"));
  if (owner === undefined) {
    say(`secr-run serve: no server is running on ${dataPath}`);
    return 0;
  }
  try {
    process.kill(owner.pid, "SIGTERM");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "EPERM") {
      say(`secr-run serve: the server on ${dataPath} (pid ${owner.pid}) belongs to another user; stop it as that user`);
      return ExitCode.NOPERM;
    }
  }
  for (const deadline = Date.now() + STOP_TIMEOUT_MS; Date.now() < deadline; await sleep(50)) {
    if (!pidAlive(owner.pid)) {
      say(`secr-run serve: stopped the server on ${dataPath} (pid ${owner.pid})`);
      return 0;
    }
  }
  say(
    `secr-run serve: the server (pid ${owner.pid}) has not exited ${STOP_TIMEOUT_MS / 1000}s after SIGTERM; see its log, or kill -KILL ${owner.pid}`,
  );
  return ExitCode.UNAVAILABLE;
}
