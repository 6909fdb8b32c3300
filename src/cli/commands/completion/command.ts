// `secr-run completion bash|zsh|fish`: print a shell completion script.
import { defineCommand } from "../../define/command.js";
import { OUTPUT_OPTIONS } from "../../options/globals.js";

export const COMPLETION_SHELLS = ["bash", "zsh", "fish"] as const;

export const completionCommand = defineCommand({
  path: ["completion"],
  summary: "print a shell completion script (bash, zsh, fish)",
  description:
    "Print a completion script for commands, subcommands, options and option values, generated from secr-run's own " +
    "declarations. Load it from your shell's startup file.",
  options: { ...OUTPUT_OPTIONS },
  positionals: [{ name: "shell", description: COMPLETION_SHELLS.join(", "), choices: COMPLETION_SHELLS }],
  examples: [
    ['eval "$(secr-run completion bash)"', "in ~/.bashrc"],
    ['eval "$(secr-run completion zsh)"', "in ~/.zshrc"],
    ["secr-run completion fish | source", "in ~/.config/fish/config.fish"],
  ],
  exitCodes: [0, [64, "usage: no shell, or one secr-run has no script for"]],
});
