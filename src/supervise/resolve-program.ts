// The program as execve needs it: a path. execve does not search PATH (spawn does, through
// execvp), so `--exec` resolves the command's first word itself, the way a POSIX shell does:
// a word with a slash is a path (relative to the working directory); any other word is looked
// up in each directory of the child's PATH in order, an empty entry meaning the working
// directory; the first executable regular file wins (docs/design/process-model.md, "Exec mode").
import { accessSync, constants, statSync } from "node:fs";
import { delimiter, isAbsolute, join, resolve } from "node:path";

/** A path to exec, or the errno a spawn would have failed with (ENOENT: 127, EACCES: 126). */
export type Resolved = { ok: true; path: string } | { ok: false; code: "ENOENT" | "EACCES" };

export function resolveProgram(word: string, path: string | undefined, cwd: string): Resolved {
  if (word.includes("/")) return check(isAbsolute(word) ? word : resolve(cwd, word)) ?? { ok: false, code: "ENOENT" };
  let denied = false;
  for (const dir of (path ?? "").split(delimiter)) {
    const found = check(resolve(cwd, join(dir === "" ? "." : dir, word)));
    if (found?.ok === true) return found;
    if (found !== undefined) denied = true;
  }
  return { ok: false, code: denied ? "EACCES" : "ENOENT" };
}

/** undefined when nothing is there; EACCES when something is but cannot be executed. */
function check(file: string): Resolved | undefined {
  let regular: boolean;
  try {
    regular = statSync(file).isFile();
  } catch {
    return undefined;
  }
  if (!regular) return { ok: false, code: "EACCES" };
  try {
    accessSync(file, constants.X_OK);
    return { ok: true, path: file };
  } catch {
    return { ok: false, code: "EACCES" };
  }
}
