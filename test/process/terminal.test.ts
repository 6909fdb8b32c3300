// The terminal rules (docs/design/process-model.md, "Signals" terminal rule, "Job control") in a real terminal: an interactive bash in a pseudo-terminal (python3's pty
// module, test/fixtures/pty-driver.py) runs secr-run as a job, and the test types Ctrl-C,
// Ctrl-\, Ctrl-Z and `fg` like a user.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { MswServer } from "../helpers/msw-server.js";
import { cliEnv, FIXTURE, isAlive, startSecr } from "./helpers.js";
import { CLI } from "../helpers/cli.js";
import { tempDir } from "../helpers/temp.js";
import { driveTerminal, expectDriven, type Driven, type Step } from "../helpers/pty.js";

let server: MswServer;
let dir: ReturnType<typeof tempDir>;
const childPids = new Set<number>();
beforeAll(async () => {
  server = await startSecr();
  dir = tempDir();
});
afterAll(async () => {
  // A failed test may leave a job behind; killing the child makes secr-run follow it.
  for (const pid of childPids) if (isAlive(pid)) process.kill(pid, "SIGKILL");
  await server.close();
  dir.remove();
});

const PROMPT = "P42> "; // PS1 is P$((6*7))> : the typed command line never matches it
const READY = "ready \\d+";
const CTRL_C = "\u0003";
const CTRL_BACKSLASH = "\u001c";
const CTRL_Z = "\u001a";

/** The secr-run command line as typed at the prompt. */
function secrRun(childArgs: string): string {
  return `${process.execPath} ${CLI} -- ${process.execPath} ${FIXTURE} ${childArgs}\r`;
}

/** Run `steps` in an interactive bash in a pty; the transcript is attached to any failure. */
async function inTerminal(steps: Step[]): Promise<Driven> {
  const spec = {
    argv: ["bash", "--norc", "--noprofile", "-i"],
    env: { ...cliEnv(server), PS1: "P$((6*7))> ", TERM: "dumb", HISTFILE: "/dev/null" },
    cwd: dir.path,
    steps: [{ expect: PROMPT }, ...steps, { send: "exit\r" }],
  };
  const driven = await driveTerminal(spec);
  // Before a failure too: the children it started are killed after the test.
  for (const match of driven.transcript.matchAll(/ready (\d+)/g)) childPids.add(Number(match[1]));
  return expectDriven(driven);
}

const occurrences = (text: string, word: string) => text.split(word).length - 1;

describe("in a terminal", () => {
  it("11: Ctrl-C once reaches the child exactly once (8 trials)", async () => {
    const trials = 8;
    const steps: Step[] = [];
    // The grace period lets a duplicated SIGINT arrive before the child exits and be counted.
    for (let i = 0; i < trials; i++) {
      steps.push(
        { send: secrRun("--exit-on INT --grace 300 --exit 0") },
        { expect: READY },
        { send: CTRL_C },
        { expect: PROMPT },
      );
    }
    const { segments } = await inTerminal(steps);
    const runs = segments.slice(1).filter((_, i) => i % 2 === 1); // the output after each Ctrl-C
    expect(runs).toHaveLength(trials);
    for (const output of runs) {
      expect(occurrences(output, "SIGINT")).toBe(1);
      expect(output).toContain("exit 0");
    }
  });

  it("11: Ctrl-\\ and a window resize reach the child once each (the terminal sent them)", async () => {
    const { segments } = await inTerminal([
      { send: secrRun("--exit-on INT --grace 300 --exit 0") },
      { expect: READY },
      { resize: [40, 100] },
      { expect: "SIGWINCH" },
      { send: CTRL_BACKSLASH },
      { expect: "SIGQUIT" },
      { sleep: 0.3 }, // room for a duplicate to show up
      { send: CTRL_C },
      { expect: PROMPT },
    ]);
    const output = segments.slice(2).join("");
    expect([occurrences(output, "SIGWINCH"), occurrences(output, "SIGQUIT"), occurrences(output, "SIGINT")]).toEqual([
      1, 1, 1,
    ]);
  });

  it("12: Ctrl-C twice reaches the child twice (its force-quit still works)", async () => {
    const { segments } = await inTerminal([
      { send: secrRun("--exit-on INT --count 2 --grace 300 --exit 0") },
      { expect: READY },
      { send: CTRL_C },
      { expect: "SIGINT" },
      { sleep: 0.3 },
      { send: CTRL_C },
      { expect: "exit 0" },
      { expect: PROMPT },
    ]);
    expect(occurrences(segments.slice(2).join(""), "SIGINT")).toBe(2);
  });

  it("13: Ctrl-C stops a calling shell loop (secr-run dies of SIGINT, not exit 130)", async () => {
    // The child does not handle SIGINT, so it dies of it; without the re-raise bash would run
    // the next iteration (after 3 s, so a failure shows up as output rather than a hang).
    const loop = `for i in 1 2 3; do ${secrRun("--listen TERM --after 3000").trimEnd()}; echo "X$((i*100))"; done; echo "DONE$((6*7))"\r`;
    const { segments } = await inTerminal([{ send: loop }, { expect: READY }, { send: CTRL_C }, { expect: PROMPT }]);
    const after = segments.slice(2).join("");
    expect(after).not.toMatch(/ready \d+/);
    expect(after).not.toMatch(/X[123]00|DONE42/);
  });

  it("14: Ctrl-Z stops secr-run and the child, the prompt returns, `fg` resumes them", async () => {
    const { segments } = await inTerminal([
      { send: secrRun("--exit-on INT --exit 0") },
      { expect: READY },
      { send: CTRL_Z },
      { expect: "Stopped" },
      { expect: PROMPT },
      { send: "fg\r" },
      { expect: "SIGCONT" }, // the child runs again
      { send: CTRL_C },
      { expect: "exit 0" },
      { expect: PROMPT },
      { send: 'echo "status=$?"\r' },
      { expect: "status=0" },
    ]);
    expect(occurrences(segments.slice(5).join(""), "SIGINT")).toBe(1);
  });

  it("the foreground check is made when each signal arrives: after `bg`, a kill -INT is forwarded", async () => {
    const { segments, transcript } = await inTerminal([
      { send: secrRun("--exit-on INT --count 3 --grace 300 --exit 0") },
      { expect: READY },
      { send: CTRL_C }, // foreground: the terminal delivers it, secr-run must not
      { expect: "SIGINT" },
      { send: CTRL_Z },
      { expect: "Stopped" },
      { expect: PROMPT },
      { send: "bg\r" },
      { expect: PROMPT },
      { send: "kill -INT $!\r" }, // background now: only secr-run gets it, so it must forward
      { expect: "SIGINT" },
      { send: "fg\r" },
      { expect: "--exit 0" }, // bash names the job it brings back
      { sleep: 0.3 },
      { send: CTRL_C },
      { expect: "exit 0" },
      { expect: PROMPT },
    ]);
    // One SIGINT per action: Ctrl-C in the foreground, kill -INT in the background, Ctrl-C after fg.
    expect([2, 3, 6, 8].map((i) => occurrences(segments[i]!, "SIGINT"))).toEqual([1, 0, 1, 1]);
    expect(occurrences(transcript, "SIGINT")).toBe(3);
  });

  it("14: Ctrl-Z, `bg`, `kill -TSTP %1`, `fg`: each stop and each resume reaches the child once", async () => {
    const { transcript } = await inTerminal([
      { send: secrRun("--exit-on INT --exit 0") },
      { expect: READY },
      { send: CTRL_Z }, // the terminal stops the group: secr-run must not send TSTP again
      { expect: "Stopped" },
      { expect: PROMPT },
      { send: "bg\r" }, // SIGCONT to the group: not sent again either
      { expect: PROMPT },
      { send: "kill -TSTP %1\r" }, // the group again, now from the background
      { expect: PROMPT },
      { send: "jobs\r" },
      { expect: "Stopped" },
      { expect: PROMPT },
      { send: "fg\r" },
      { expect: "--exit 0" },
      { sleep: 0.3 },
      { send: CTRL_C },
      { expect: "exit 0" },
      { expect: PROMPT },
      { send: 'echo "status=$?"\r' },
      { expect: "status=0" },
    ]);
    // The fixture logs SIGCONT (not TSTP): bg and fg resumed it once each.
    expect(occurrences(transcript, "SIGCONT")).toBe(2);
    expect(occurrences(transcript, "SIGINT")).toBe(1);
  });

  it("with `stty tostop`, secr-run writing to the terminal from the background stops like any program (no spin)", async () => {
    // secr-run's own listener on SIGTTOU would turn the kernel's stop into an endless restart of
    // the write; so SIGTTOU keeps its default action while secr-run's stderr is a terminal.
    const line = `${process.execPath} ${CLI} --verbose -- ${process.execPath} ${FIXTURE} --exit-on INT --exit 0\r`;
    const { segments } = await inTerminal([
      { send: line },
      { expect: READY },
      { send: CTRL_Z },
      { expect: PROMPT },
      { send: "stty tostop; bg\r" },
      { expect: PROMPT },
      { send: "kill -USR1 $(jobs -p %1)\r" }, // secr-run alone: it forwards and logs a line
      { expect: PROMPT },
      { sleep: 0.5 },
      { send: "jobs\r" },
      { expect: "Stopped" }, // a spinning secr-run would show "Running"
      { expect: PROMPT },
      { send: "stty -tostop; fg\r" },
      { expect: "forwarded SIGUSR1" },
      { sleep: 0.3 },
      { send: CTRL_C },
      { expect: "exit 0" },
      { expect: PROMPT },
    ]);
    expect(occurrences(segments.slice(6).join(""), "SIGUSR1")).toBeGreaterThanOrEqual(1);
  });

  it("15: the child gets the terminal: isTTY on 0/1/2 and /dev/tty opens", async () => {
    const { segments } = await inTerminal([
      { send: secrRun("--tty --after 0") },
      { expect: "exit 0" },
      { expect: PROMPT },
    ]);
    expect(segments[1]).toContain('{"stdin":true,"stdout":true,"stderr":true,"devTty":true}');
  });
});
