// Forwarding, stopping and signals before the child (docs/design/process-model.md) through the real CLI,
// outside a terminal (own session, so every forwarded signal must be forwarded).
// ("Signals", "Stopping", "Before the child").
import { existsSync } from "node:fs";
import { join } from "node:path";
import { delay, http, HttpResponse } from "msw";
import { describe, expect, it } from "vitest";
import { SECRETS_ROUTE, secretList } from "../helpers/secr-api.js";
import {
  cliArgv,
  cliEnv,
  count,
  isAlive,
  readLog,
  type Run,
  start,
  useProcessFixture,
  waitFor,
  waitReady,
} from "./helpers.js";

const fx = useProcessFixture();

/** Resolves once secr-run's request for the secrets has reached the server (counted from now). */
function secretsRequested(): Promise<true> {
  const seen = secretsRequests();
  return waitFor("the secrets request", () => (secretsRequests() > seen ? true : undefined));
}
const secretsRequests = () => fx.server.requests.filter((q) => q.url.pathname.startsWith("/v1/secrets/")).length;

let n = 0;
function run(childArgs: string[]): { r: Run; log: string } {
  const log = join(fx.dir.path, `child-${++n}.log`);
  fx.current = start(cliArgv(["--log", log, ...childArgs]), { env: cliEnv(fx.server), cwd: fx.dir.path });
  return { r: fx.current, log };
}

/** Send `signal` to secr-run and wait until the child has logged it `times` times in total. */
async function sendAndSee(r: Run, log: string, signal: NodeJS.Signals, times = 1): Promise<void> {
  process.kill(r.proc.pid!, signal);
  await waitFor(`${signal} in the child's log`, () => (count(readLog(log), signal) >= times ? true : undefined));
}

/** Forwarded beyond the seven of scenario 6 (SIGCONT apart: the fixture always logs it). */
const ASYNC_SIGNALS = [
  "SIGALRM",
  "SIGIO",
  "SIGPWR",
  "SIGSTKFLT",
  "SIGVTALRM",
  "SIGXCPU",
  "SIGPROF",
  "SIGPIPE",
  "SIGXFSZ",
  "SIGURG",
] as const;
const short = (signal: string) => signal.replace(/^SIG/, "");

/** secr answers the pull only once the returned release() is called. */
function holdSecrets(): () => void {
  let release!: () => void;
  const gate = new Promise<void>((resolve) => (release = resolve));
  fx.server.use(
    http.get(SECRETS_ROUTE, async () => {
      await gate;
      return HttpResponse.json(secretList({ K: "v-123456" }));
    }),
  );
  return release;
}

describe("signal forwarding", () => {
  it("6: each of the seven signals reaches the child exactly once; no inspector on SIGUSR1", async () => {
    const { r, log } = run(["--exit-on", "TERM", "--exit", "0"]);
    await waitReady(log, r);
    for (const signal of ["SIGUSR1", "SIGUSR2", "SIGWINCH", "SIGHUP", "SIGINT", "SIGQUIT"] as const) {
      await sendAndSee(r, log, signal);
    }
    process.kill(r.proc.pid!, "SIGTERM");
    expect(await r.exit).toEqual({ code: 0, signal: null });
    const lines = readLog(log);
    for (const signal of ["SIGUSR1", "SIGUSR2", "SIGWINCH", "SIGHUP", "SIGINT", "SIGQUIT", "SIGTERM"]) {
      expect(count(lines, signal), signal).toBe(1);
    }
    expect(lines.at(-1)).toBe("exit 0");
    expect(r.stderr()).not.toMatch(/Debugger listening|inspector/i);
  });

  it("every other forwarded signal (ALRM, IO, PWR, STKFLT, VTALRM, XCPU, PROF, PIPE, XFSZ, URG, CONT) reaches the child exactly once; secr-run survives each", async () => {
    const { r, log } = run([
      "--listen",
      [...ASYNC_SIGNALS, "SIGTERM"].map(short).join(","),
      "--exit-on",
      "TERM",
      "--exit",
      "9",
    ]);
    await waitReady(log, r);
    for (const signal of [...ASYNC_SIGNALS, "SIGCONT"] as const) await sendAndSee(r, log, signal);
    process.kill(r.proc.pid!, "SIGTERM");
    expect(await r.exit).toEqual({ code: 9, signal: null });
    const lines = readLog(log);
    for (const signal of [...ASYNC_SIGNALS, "SIGCONT", "SIGTERM"]) expect(count(lines, signal), signal).toBe(1);
    expect(lines.at(-1)).toBe("exit 9");
  });

  it.each(["SIGALRM", "SIGIO", "SIGPWR", "SIGSTKFLT", "SIGVTALRM", "SIGPROF"] as const)(
    "%s to secr-run, child at the default action → the child dies of it, and so does secr-run (no orphan)",
    async (signal) => {
      const { r, log } = run(["--listen", "TERM"]);
      const child = await waitReady(log, r);
      process.kill(r.proc.pid!, signal);
      expect(await r.exit).toEqual({ code: null, signal });
      expect(isAlive(child)).toBe(false);
    },
  );

  it("SIGXCPU to secr-run, child at the default action → the child dumps core, secr-run exits 152 (never a core of its own)", async () => {
    const { r, log } = run(["--listen", "TERM"]);
    await waitReady(log, r);
    process.kill(r.proc.pid!, "SIGXCPU");
    expect(await r.exit).toEqual({ code: 128 + 24, signal: null });
  });

  it("7: SIGTERM, child takes 1 s to shut down and exits 7 → secr-run waits and exits 7, no orphan", async () => {
    const { r, log } = run(["--exit-on", "TERM", "--grace", "1000", "--exit", "7"]);
    const child = await waitReady(log, r);
    const sent = Date.now();
    process.kill(r.proc.pid!, "SIGTERM");
    expect(await r.exit).toEqual({ code: 7, signal: null });
    expect(Date.now() - sent).toBeGreaterThanOrEqual(1000); // lower bound only
    expect(readLog(log).filter((l) => l !== `ready ${child}`)).toEqual(["SIGTERM", "exit 7"]);
    expect(isAlive(child)).toBe(false);
  });

  it("8: SIGTERM, child takes 7 s → it is not SIGKILLed at 5 s (no hidden escalation)", async () => {
    const { r, log } = run(["--exit-on", "TERM", "--grace", "7000", "--exit", "0"]);
    await waitReady(log, r);
    process.kill(r.proc.pid!, "SIGTERM");
    // A SIGKILL of the child would make secr-run die of SIGKILL without the child's "exit 0".
    expect(await r.exit).toEqual({ code: 0, signal: null });
    expect(readLog(log).slice(1)).toEqual(["SIGTERM", "exit 0"]);
  });

  it("9: SIGTERM while the secrets are still being fetched → dies of SIGTERM at once, child never started", async () => {
    fx.server.use(http.get("*/v1/secrets/:org/:project/:env", () => delay("infinite")));
    const requested = secretsRequested();
    const { r, log } = run([]);
    await requested;
    const requests = secretsRequests();
    process.kill(r.proc.pid!, "SIGTERM");
    expect(await r.exit).toEqual({ code: null, signal: "SIGTERM" });
    expect(existsSync(log)).toBe(false);
    expect(r.stderr()).toBe(""); // no "request aborted" noise
    expect(secretsRequests()).toBe(requests); // no retry after the abort
  });

  it("9: SIGINT before the child → dies of SIGINT; USR1/USR2/WINCH before the child are ignored", async () => {
    const release = holdSecrets();
    const requested = secretsRequested();
    const first = run(["--after", "0", "--exit", "3"]);
    await requested;
    for (const signal of ["SIGUSR1", "SIGUSR2", "SIGWINCH"] as const) process.kill(first.r.proc.pid!, signal);
    // Still waiting for its secrets, alive: give the signals time to be handled, then release.
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(first.r.proc.exitCode).toBe(null);
    release();
    expect(await first.r.exit).toEqual({ code: 3, signal: null });
    expect(first.r.stderr()).not.toMatch(/Debugger listening/);

    fx.server.use(http.get("*/v1/secrets/:org/:project/:env", () => delay("infinite")));
    const requestedAgain = secretsRequested();
    const second = run([]);
    await requestedAgain;
    process.kill(second.r.proc.pid!, "SIGINT");
    expect(await second.r.exit).toEqual({ code: null, signal: "SIGINT" });
    expect(existsSync(second.log)).toBe(false);
  });

  it.each(["SIGALRM", "SIGIO", "SIGPWR", "SIGSTKFLT", "SIGVTALRM", "SIGPROF"] as const)(
    "9: %s while the secrets are still being fetched → dies of it at once, child never started",
    async (signal) => {
      fx.server.use(http.get("*/v1/secrets/:org/:project/:env", () => delay("infinite")));
      const requested = secretsRequested();
      const { r, log } = run([]);
      await requested;
      process.kill(r.proc.pid!, signal);
      expect(await r.exit).toEqual({ code: null, signal });
      expect(existsSync(log)).toBe(false);
      expect(r.stderr()).toBe("");
    },
  );

  it("9: PIPE, XFSZ, URG, CONT before the child are ignored; the run goes on", async () => {
    const release = holdSecrets();
    const requested = secretsRequested();
    const { r, log } = run(["--after", "0", "--exit", "4"]);
    await requested;
    for (const signal of ["SIGPIPE", "SIGXFSZ", "SIGURG", "SIGCONT"] as const) process.kill(r.proc.pid!, signal);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(r.proc.exitCode).toBe(null);
    release();
    expect(await r.exit).toEqual({ code: 4, signal: null });
    expect(count(readLog(log), "SIGCONT")).toBe(0); // the child did not exist yet
  });

  it("10: a burst of TERM, INT, HUP → each forwarded once, secr-run waits and exits with the child's code", async () => {
    const { r, log } = run(["--exit-on", "TERM", "--grace", "1000", "--exit", "5"]); // room for INT and HUP on a loaded machine
    await waitReady(log, r);
    for (const signal of ["SIGTERM", "SIGINT", "SIGHUP"] as const) process.kill(r.proc.pid!, signal);
    expect(await r.exit).toEqual({ code: 5, signal: null });
    const lines = readLog(log);
    expect([count(lines, "SIGTERM"), count(lines, "SIGINT"), count(lines, "SIGHUP")]).toEqual([1, 1, 1]);
    expect(lines.at(-1)).toBe("exit 5");
  });
});
