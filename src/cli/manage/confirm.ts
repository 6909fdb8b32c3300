// "Are you sure?" for destructive commands: asked only on a terminal. Without one, and
// without --yes, the command refuses (64) rather than guess.
import { ExitCode } from "../../core/exit-codes.js";
import { Failure } from "../../core/failure.js";

export async function confirm(
  question: string,
  { yes, flag = "--yes" }: { yes: boolean; flag?: string },
): Promise<boolean> {
  if (yes) return true;
  if (!process.stdin.isTTY) throw new Failure(ExitCode.USAGE, `not asking without a terminal: pass ${flag} to confirm`);
  const { createInterface } = await import("node:readline/promises");
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    const answer = await rl.question(`${question} [y/N] `);
    return /^y(es)?$/i.test(answer.trim());
  } finally {
    rl.close();
  }
}
