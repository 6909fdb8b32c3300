// What execve accepts, as a pure decision: the child's argv and environment together must fit
// the kernel's limit, or the exec fails with E2BIG after everything else was done. Linux
// (fs/exec.c): all argument and environment strings with their NULs, the program's path, and one
// pointer per string must fit in a quarter of the stack's soft rlimit, at most 3/4 of
// _STK_LIM (6 MiB) and at least ARG_MAX (32 pages, 128 KiB); each single string also within
// MAX_ARG_STRLEN (src/plan/names.ts). See docs/design/security.md, "What the child can be given".

/** 6 MiB: 3/4 of the kernel's _STK_LIM, the cap since Linux 4.13 whatever the rlimit. */
const MAX_EXEC_BYTES = 6 * 1024 * 1024;
/** 128 KiB: ARG_MAX, what the kernel always allows. */
const MIN_EXEC_BYTES = 128 * 1024;
/** The program's path as the kernel copies it (PATH_MAX) and the signal trampoline's words
 *  (command.ts): counted as a margin, since neither is known exactly before the spawn. */
const EXEC_MARGIN_BYTES = 8 * 1024;
const POINTER_BYTES = 8;

/** The bytes execve may take for argv and envp together; Infinity where we do not know the rule. */
export function execLimitBytes(stackSoftLimit: number, platform: NodeJS.Platform = process.platform): number {
  if (platform !== "linux") return Number.POSITIVE_INFINITY;
  return Math.max(Math.min(MAX_EXEC_BYTES, Math.floor(stackSoftLimit / 4)), MIN_EXEC_BYTES);
}

/** What the exec of `argv` with `env` costs against that limit. */
export function execBytes(argv: readonly string[], env: Readonly<Record<string, string>>): number {
  let bytes = EXEC_MARGIN_BYTES + (Math.max(argv.length, 1) + Object.keys(env).length) * POINTER_BYTES;
  for (const word of argv) bytes += Buffer.byteLength(word) + 1;
  for (const [name, value] of Object.entries(env)) bytes += Buffer.byteLength(name) + Buffer.byteLength(value) + 2;
  return bytes;
}

/** undefined when it fits; otherwise the one-line reason (sizes and counts, never a value). */
export function execTooLarge(
  argv: readonly string[],
  env: Readonly<Record<string, string>>,
  limit: number,
): string | undefined {
  const bytes = execBytes(argv, env);
  if (bytes <= limit) return undefined;
  return `the command's environment and arguments take ${kib(bytes)} (${Object.keys(env).length} variables), more than the ${kib(limit)} the system accepts for a new program (a quarter of the stack limit, ulimit -s); the command was not started: inject fewer or smaller secrets (--only, or --file for large values) or raise ulimit -s`;
}

function kib(bytes: number): string {
  return `${Math.ceil(bytes / 1024)} KiB`;
}
