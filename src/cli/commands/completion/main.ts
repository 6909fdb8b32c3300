// `secr-run completion bash|zsh|fish`: the script on stdout, generated from the registry.
import { completionCommand, COMPLETION_SHELLS } from "./command.js";
import { bashScript, zshScript } from "./bash.js";
import { fishScript } from "./fish.js";
import { completionTree } from "./tree.js";
import type { CommandDefinition } from "../../define/command.js";
import { didYouMean } from "../../../core/suggest.js";
import { ExitCode } from "../../../core/exit-codes.js";
import { frame, type Io } from "../../frame.js";

export function completionScript(
  shell: (typeof COMPLETION_SHELLS)[number],
  commands: readonly CommandDefinition[],
): string {
  const tree = completionTree(commands);
  return shell === "bash" ? bashScript(tree) : shell === "zsh" ? zshScript(tree) : fishScript(tree);
}

/** `commands`: the registry's declarations, which main.ts passes to every main. */
export function main(args: string[], io?: Io, commands: readonly CommandDefinition[] = []): Promise<number> {
  return frame(args, io, async ({ io }) => {
    const { args: positional } = completionCommand.parse(args);
    const shell = COMPLETION_SHELLS.find((s) => s === positional.shell);
    if (shell === undefined)
      throw completionCommand.usageError(
        `no completion for shell "${positional.shell}"; use ${COMPLETION_SHELLS.join(", ")}${didYouMean(positional.shell, COMPLETION_SHELLS)}`,
      );
    io.stdout.write(completionScript(shell, commands));
    return ExitCode.OK;
  });
}
