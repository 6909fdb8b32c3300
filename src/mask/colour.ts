// Under --mask the child's stdout is a pipe, not the terminal, and most programs then drop their
// colours. FORCE_COLOR=1 (honoured by chalk, supports-color, Node's own util, many CLIs) brings
// them back when secr-run itself writes to a terminal, unless the user has a say already. Pure.
export function colourEnv(env: Readonly<Record<string, string>>, stdoutIsTerminal: boolean): Record<string, string> {
  if (!stdoutIsTerminal || "FORCE_COLOR" in env || "NO_COLOR" in env) return { ...env };
  return { ...env, FORCE_COLOR: "1" };
}
