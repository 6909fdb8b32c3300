// `secr-run allow [PATH]` and `secr-run deny [PATH]`: trust, or stop trusting, a project file's
// apiUrl (docs/design/trust.md). Without PATH, the .secr.json a run here would use.
import {
  loadProjectFile,
  projectFilePath,
  readProjectFile,
  type LoadedProjectFile,
} from "../../../config/project-file.js";
import { ignoredProjectFileMessage, printable, shownApiUrl, withoutTrust, withTrust } from "../../../config/trust.js";
import { readTrustStore, resolveConfigDir, trustStorePath, updateTrustStore } from "../../../config/trust-store.js";
import { allowCommand, denyCommand } from "./command.js";
import { ExitCode } from "../../../core/exit-codes.js";
import { Failure } from "../../../core/failure.js";
import { frame, type Io } from "../../frame.js";

type Verb = "allow" | "deny";

/** The project file `allow` would trust: read and checked exactly as a run reads it. */
function fileToTrust(given: string | undefined, cwd: string): LoadedProjectFile & { sha256: string } {
  const read = given === undefined ? loadProjectFile(cwd) : readProjectFile(projectFilePath(given));
  if (read instanceof Error) throw new Failure(ExitCode.CONFIG, read.message);
  if (read.kind === "none" || read.kind === "absent") throw notFound(given, cwd);
  if (read.kind === "unsafe")
    throw new Failure(ExitCode.CONFIG, ignoredProjectFileMessage(read.path, read.reason, "cannot trust", read.fix));
  return { ...read.file, sha256: read.file.sha256! };
}

/** The path `deny` forgets: whatever is there, even a file a run would ignore or cannot parse. */
function pathToDeny(given: string | undefined, cwd: string): string {
  if (given !== undefined) return projectFilePath(given);
  const read = loadProjectFile(cwd);
  if (read instanceof Error) throw new Failure(ExitCode.CONFIG, `${read.message}; name the file: secr-run deny PATH`);
  if (read.kind === "none") throw notFound(undefined, cwd);
  return read.kind === "unsafe" ? read.path : read.file.path;
}

function notFound(given: string | undefined, cwd: string): Failure {
  return new Failure(
    ExitCode.CONFIG,
    given === undefined
      ? `no .secr.json in ${printable(cwd)} or any parent directory`
      : `no .secr.json at ${printable(projectFilePath(given))}`,
  );
}

function command(verb: Verb, args: string[], io: Io | undefined): Promise<number> {
  return frame(args, io, async ({ io }) => {
    const parsed = (verb === "allow" ? allowCommand : denyCommand).parse(args);
    const { quiet } = parsed.options;
    const path = parsed.args.path;
    try {
      const configDir = resolveConfigDir();
      if (verb === "allow") {
        const file = fileToTrust(path, io.cwd);
        await updateTrustStore(configDir, (store) => withTrust(store, file));
        const url = file.data.apiUrl === undefined ? "it sets no apiUrl" : `apiUrl ${shownApiUrl(file.data.apiUrl)}`;
        if (!quiet) io.stdout.write(`trusted ${printable(file.path)} (${url})\n`);
        return ExitCode.OK;
      }
      const denied = pathToDeny(path, io.cwd);
      const store = readTrustStore(configDir);
      if (store instanceof Error) throw new Failure(ExitCode.CONFIG, store.message);
      if (!Object.hasOwn(store.files, denied)) {
        if (!quiet) io.stdout.write(`${printable(denied)} was not trusted\n`);
        return ExitCode.OK;
      }
      await updateTrustStore(configDir, (current) => withoutTrust(current, denied));
      if (!quiet) io.stdout.write(`no longer trusted: ${printable(denied)}\n`);
      return ExitCode.OK;
    } catch (error) {
      if (error instanceof Failure) throw error;
      throw new Failure(
        ExitCode.CONFIG,
        `cannot update ${trustStorePath(resolveConfigDir())}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
      );
    }
  });
}

export function main(args: string[], io?: Io): Promise<number> {
  return command("allow", args, io);
}

export function deny(args: string[], io?: Io): Promise<number> {
  return command("deny", args, io);
}
