// The per-signal decision (docs/design/process-model.md, "Signals", "Job control") as a pure function.
import { describe, expect, it } from "vitest";
import { decideSignal, type SignalFacts } from "../../src/supervise/signal-policy.js";
import { FORWARDED, FORWARDED_SIGNALS } from "../../src/supervise/signals.js";

const facts = (over: Partial<SignalFacts> = {}): SignalFacts => ({
  phase: "running",
  inheritedIgnored: false,
  foreground: () => false,
  childHas: () => "no",
  selfStop: "none",
  ...over,
});

describe("decideSignal", () => {
  it.each(FORWARDED_SIGNALS)("%s while the child runs, outside a terminal → forwarded", (signal) => {
    expect(decideSignal(signal, facts())).toEqual({ action: "forward" });
  });

  it.each(["SIGINT", "SIGQUIT", "SIGWINCH"] as const)(
    "%s while we are the terminal's foreground group → not forwarded",
    (signal) => {
      expect(decideSignal(signal, facts({ foreground: () => true })).action).toBe("ignore");
    },
  );

  it.each(["SIGTERM", "SIGHUP", "SIGUSR1", "SIGALRM"] as const)(
    "%s in the foreground → still forwarded (a terminal never sends it)",
    (signal) => {
      expect(decideSignal(signal, facts({ foreground: () => true }))).toEqual({ action: "forward" });
    },
  );

  it("before the child: the table's verdict", () => {
    for (const signal of FORWARDED_SIGNALS) {
      expect(decideSignal(signal, facts({ phase: "waiting" })).action, signal).toBe(
        FORWARDED[signal] === "terminate" ? "terminate" : "ignore",
      );
    }
  });

  it("an inherited ignored signal is ignored in every phase, even a terminating one", () => {
    for (const phase of ["waiting", "running"] as const) {
      expect(decideSignal("SIGHUP", facts({ phase, inheritedIgnored: true })).action).toBe("ignore");
      expect(decideSignal("SIGTSTP", facts({ phase, inheritedIgnored: true })).action).toBe("ignore");
    }
  });

  it("after the child ended: nothing", () => {
    expect(decideSignal("SIGTERM", facts({ phase: "ending" })).action).toBe("ignore");
  });

  it("TSTP/TTIN/TTOU sent to secr-run alone → forwarded, then secr-run stops", () => {
    for (const signal of ["SIGTSTP", "SIGTTIN", "SIGTTOU"] as const) {
      expect(decideSignal(signal, facts())).toMatchObject({ action: "stop", forward: true, selfStop: "forwarded" });
    }
  });

  it("Ctrl-Z (TSTP in the foreground) → secr-run stops, the child already has it", () => {
    expect(decideSignal("SIGTSTP", facts({ foreground: () => true }))).toMatchObject({
      action: "stop",
      forward: false,
      selfStop: "group",
    });
  });

  it("a stop the child already has (stopped, or pending) → not sent again", () => {
    for (const has of ["stopped", "pending"] as const) {
      expect(decideSignal("SIGTTIN", facts({ childHas: () => has }))).toMatchObject({
        action: "stop",
        forward: false,
        selfStop: "group",
      });
    }
  });

  it("SIGCONT: forwarded unless a group-wide stop and resume already reached the child", () => {
    expect(decideSignal("SIGCONT", facts({ selfStop: "forwarded" }))).toEqual({ action: "forward" });
    expect(decideSignal("SIGCONT", facts({ selfStop: "none" }))).toEqual({ action: "forward" });
    expect(decideSignal("SIGCONT", facts({ selfStop: "group" })).action).toBe("ignore");
    // Still stopped: a CONT sent to secr-run alone; the child needs one too.
    expect(decideSignal("SIGCONT", facts({ selfStop: "group", childHas: () => "stopped" }))).toEqual({
      action: "forward",
    });
  });
});
