// What the supervisor does with one received signal: a pure decision over the facts of the
// moment (docs/design/process-model.md, "Signals" and "Job control"). The supervisor gathers the facts
// lazily: /proc is read only when a rule needs it.
import { FORWARDED, type ForwardedSignal, type JobControlSignal, TERMINAL_DELIVERED } from "./signals.js";

export type Phase = "waiting" | "running" | "ending";

/** How secr-run last stopped itself for job control, until the SIGCONT that resumes it. */
export type SelfStop =
  | "none"
  /** The stop reached the child on its own (terminal Ctrl-Z, a signal to the whole group). */
  | "group"
  /** secr-run passed the stop on to the child. */
  | "forwarded";

export interface SignalFacts {
  phase: Phase;
  /** The signal was ignored when secr-run started (nohup, trap ''): ignored here and in the child. */
  inheritedIgnored: boolean;
  /** secr-run is the terminal's foreground process group (only asked for terminal signals). */
  foreground(): boolean;
  /** The child is stopped, or already has this signal pending (it was sent to the whole group). */
  childHas(signal: NodeJS.Signals): "stopped" | "pending" | "no";
  selfStop: SelfStop;
}

export type SignalDecision =
  | { action: "ignore"; reason: string }
  /** No child yet: cancel the fetch, end as if killed by the signal. */
  | { action: "terminate" }
  | { action: "forward" }
  /** Job control: forward (unless `forward` is false), then SIGSTOP secr-run. */
  | { action: "stop"; forward: boolean; selfStop: Exclude<SelfStop, "none">; reason: string };

export function decideSignal(signal: ForwardedSignal | JobControlSignal, facts: SignalFacts): SignalDecision {
  if (facts.phase === "ending") return { action: "ignore", reason: "the child has ended" };
  if (facts.inheritedIgnored)
    return { action: "ignore", reason: "ignored when secr-run started (the child ignores it too)" };

  if (signal === "SIGTSTP" || signal === "SIGTTIN" || signal === "SIGTTOU") {
    // Only listened to while a child runs; before, the default action stops secr-run.
    if (facts.phase === "waiting") return { action: "ignore", reason: "no child yet" };
    if (TERMINAL_DELIVERED.has(signal) && facts.foreground()) {
      return { action: "stop", forward: false, selfStop: "group", reason: "the terminal already sent it to the child" };
    }
    if (facts.childHas(signal) !== "no") {
      return {
        action: "stop",
        forward: false,
        selfStop: "group",
        reason: "the child already has it (sent to the whole group)",
      };
    }
    return { action: "stop", forward: true, selfStop: "forwarded", reason: "sent to secr-run only" };
  }

  if (facts.phase === "waiting") {
    return FORWARDED[signal] === "terminate" ? { action: "terminate" } : { action: "ignore", reason: "no child yet" };
  }

  if (signal === "SIGCONT") {
    // A SIGCONT sent to the group has already resumed the child when secr-run sees it; one
    // sent to secr-run alone leaves a child it stopped still stopped.
    if (facts.selfStop === "group" && facts.childHas("SIGCONT") !== "stopped") {
      return { action: "ignore", reason: "the group's SIGCONT already resumed the child" };
    }
    return { action: "forward" };
  }
  if (TERMINAL_DELIVERED.has(signal) && facts.foreground()) {
    return { action: "ignore", reason: "the terminal already sent it to the child" };
  }
  return { action: "forward" };
}
