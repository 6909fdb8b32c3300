// `secr-run completion bash|zsh|fish`: the script on stdout, generated from the registry.
import { completionCommand, COMPLETION_SHELLS } from "./command.js";
import { bashScript, zshScript } from "./bash.js";
import { fishScript } from "./fish.js";
import { completionTree } from "./tree.js";
import type { CommandDefinition } from "../../define/command.js";
import { didYouMean } from "../../../core/suggest.js";
import { ExitCode } from "../../../core/exit-codes.js";
import { Failure } from "../../../core/failure.js";

export function completionScript(shell: (typeof COMPLETION_SHELLS)[number], commands: readonly CommandDefinition[]): string {
  const tree = completionTree(commands);
  return shell === "bash" ? bashScript(tree) : shell === "zsh" ? zshScript(tree) : fishScript(tree);
}

export async function main(args: string[], commands: readonly CommandDefinition[]): Promise<number> {
  try {
    const { args: positional } = completionCommand.parse(args);
    const shell = COMPLETION_SHELLS.find((s) => s === positional.shell);
    if (shell === undefined) throw completionCommand.usageError(`no completion for shell "${positional.shell}"; use ${COMPLETION_SHELLS.join(", ")}${didYouMean(positional.shell, COMPLETION_SHELLS)}`);
    process.stdout.write(completionScript(shell, commands));
    return ExitCode.OK;
  } catch (error) {
    if (!(error instanceof Failure)) throw error;
    process.stderr.write(`secr-run: ${error.message}\n`);
    return error.exitCode;
  }
}
