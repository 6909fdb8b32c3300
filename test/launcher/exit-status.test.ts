// The exit decision (docs/design/process-model.md, "Exit status") as a pure function: every case it lists.
import { constants } from "node:os";
import { describe, expect, it } from "vitest";
import { decideExit, exitForSignal } from "../../src/supervise/exit-status.js";
import { CORE_SIGNALS } from "../../src/supervise/signals.js";

const ctx = { pid1: false, file: "server" };

describe("decideExit", () => {
  it("127 for one word holding a command line suggests --command", () => {
    expect(decideExit({ kind: "spawn-failed", code: "ENOENT" }, { pid1: false, file: "node server.js" })).toEqual({
      kind: "exit",
      code: 127,
      message:
        'command not found: node server.js (one word with spaces: to run a shell string, use --command "node server.js")',
    });
    expect(decideExit({ kind: "spawn-failed", code: "ENOENT" }, { pid1: false, file: "nodee" })).toEqual({
      kind: "exit",
      code: 127,
      message: "command not found: nodee",
    });
  });

  it.each([0, 1, 2, 42, 127, 128, 130, 255])("child exits %i → exit %i", (code) => {
    expect(decideExit({ kind: "exited", code }, ctx)).toEqual({ kind: "exit", code });
    expect(decideExit({ kind: "exited", code }, { ...ctx, pid1: true })).toEqual({ kind: "exit", code });
  });

  it.each(["SIGTERM", "SIGINT", "SIGHUP", "SIGUSR1", "SIGUSR2", "SIGPIPE", "SIGKILL", "SIGALRM"] as const)(
    "child killed by %s → re-raise it, 128+S if that fails",
    (signal) => {
      expect(decideExit({ kind: "signaled", signal }, ctx)).toEqual({
        kind: "raise",
        signal,
        fallbackCode: 128 + constants.signals[signal],
      });
    },
  );

  it.each([...CORE_SIGNALS])("core-dumping %s → exit 128+S, never a core of secr-run", (signal) => {
    expect(decideExit({ kind: "signaled", signal }, ctx)).toEqual({
      kind: "exit",
      code: 128 + constants.signals[signal],
    });
  });

  it("covers exactly the ten core-dumping signals of the contract", () => {
    expect([...CORE_SIGNALS].sort()).toEqual(
      ["SIGABRT", "SIGBUS", "SIGFPE", "SIGILL", "SIGQUIT", "SIGSEGV", "SIGSYS", "SIGTRAP", "SIGXCPU", "SIGXFSZ"].sort(),
    );
  });

  it("as PID 1 every signal becomes 128+S (PID 1 cannot kill itself)", () => {
    expect(decideExit({ kind: "signaled", signal: "SIGTERM" }, { ...ctx, pid1: true })).toEqual({
      kind: "exit",
      code: 143,
    });
    expect(exitForSignal("SIGINT", true)).toEqual({ kind: "exit", code: 130 });
    expect(exitForSignal("SIGKILL", true)).toEqual({ kind: "exit", code: 137 });
  });

  it("command not found → 127 with a message naming it", () => {
    expect(decideExit({ kind: "spawn-failed", code: "ENOENT" }, { ...ctx, file: "serverr" })).toEqual({
      kind: "exit",
      code: 127,
      message: "command not found: serverr",
    });
  });

  it.each(["EACCES", "ENOEXEC", "E2BIG", "UNKNOWN"])("exec failure %s → 126 with a one-line message", (code) => {
    const action = decideExit({ kind: "spawn-failed", code }, ctx);
    expect(action).toMatchObject({ kind: "exit", code: 126 });
    expect(action.kind === "exit" && action.message).toMatch(/^[^\n]*server[^\n]*$/);
  });
});
