// What to run: the words after `--`, untouched, or one --command string for the system shell. Pure.

export interface CommandSpec {
  file: string;
  args: string[];
  shell: boolean;
}

export function buildCommand(afterDashDash: readonly string[] | undefined, commandString: string | undefined): CommandSpec | Error {
  const words = afterDashDash ?? [];
  if (commandString !== undefined && words.length > 0) {
    return new Error("give either --command \"<string>\" or a command after --, not both");
  }
  if (commandString !== undefined) {
    if (commandString.trim() === "") return new Error("--command needs a non-empty shell string");
    return { file: commandString, args: [], shell: true };
  }
  const [file, ...args] = words;
  if (file === undefined || file === "") {
    return new Error("no command to run: secr-run [options] -- <command> [args...]");
  }
  return { file, args, shell: false };
}
