// `secr-run allow [PATH]` and `secr-run deny [PATH]`: trust, or stop trusting, a project file's
// apiUrl (docs/design/trust.md). Without PATH, the .secr.json a run here would use.
import { loadProjectFile, projectFilePath, readProjectFile, type LoadedProjectFile } from "../config/project-file.js";
import { ignoredProjectFileMessage, printable, withoutTrust, withTrust } from "../config/trust.js";
import { readTrustStore, resolveConfigDir, trustStorePath, updateTrustStore } from "../config/trust-store.js";
import { allowCommand, denyCommand } from "./commands/trust.js";
import { ExitCode } from "./exit-codes.js";
import { Failure } from "./failure.js";
import { createLogger } from "./log.js";

type Verb = "allow" | "deny";

/** The project file `allow` would trust: read and checked exactly as a run reads it. */
function fileToTrust(given: string | undefined): LoadedProjectFile & { sha256: string } {
  const read = given === undefined ? loadProjectFile(process.cwd()) : readProjectFile(projectFilePath(given));
  if (read instanceof Error) throw new Failure(ExitCode.CONFIG, read.message);
  if (read.kind === "none" || read.kind === "absent") throw notFound(given);
  if (read.kind === "unsafe") throw new Failure(ExitCode.CONFIG, ignoredProjectFileMessage(read.path, read.reason, "cannot trust"));
  return { ...read.file, sha256: read.file.sha256! };
}

/** The path `deny` forgets: whatever is there, even a file a run would ignore or cannot parse. */
function pathToDeny(given: string | undefined): string {
  if (given !== undefined) return projectFilePath(given);
  const read = loadProjectFile(process.cwd());
  if (read instanceof Error) throw new Failure(ExitCode.CONFIG, `${read.message}; name the file: secr-run deny PATH`);
  if (read.kind === "none") throw notFound(undefined);
  return read.kind === "unsafe" ? read.path : read.file.path;
}

function notFound(given: string | undefined): Failure {
  return new Failure(ExitCode.CONFIG, given === undefined ? `no .secr.json in ${printable(process.cwd())} or any parent directory` : `no .secr.json at ${printable(projectFilePath(given))}`);
}

async function command(verb: Verb, args: string[]): Promise<number> {
  let quiet = false;
  try {
    const parsed = (verb === "allow" ? allowCommand : denyCommand).parse(args);
    quiet = parsed.options.quiet;
    const options = { path: parsed.args.path };
    const configDir = resolveConfigDir();
    if (verb === "allow") {
      const file = fileToTrust(options.path);
      await updateTrustStore(configDir, (store) => withTrust(store, file));
      const url = file.data.apiUrl === undefined ? "it sets no apiUrl" : `apiUrl ${JSON.stringify(printable(file.data.apiUrl))}`;
      if (!quiet) process.stdout.write(`trusted ${printable(file.path)} (${url})\n`);
      return ExitCode.OK;
    }
    const path = pathToDeny(options.path);
    const store = readTrustStore(configDir);
    if (store instanceof Error) throw new Failure(ExitCode.CONFIG, store.message);
    if (!Object.hasOwn(store.files, path)) {
      if (!quiet) process.stdout.write(`${printable(path)} was not trusted\n`);
      return ExitCode.OK;
    }
    await updateTrustStore(configDir, (current) => withoutTrust(current, path));
    if (!quiet) process.stdout.write(`no longer trusted: ${printable(path)}\n`);
    return ExitCode.OK;
  } catch (error) {
    const failure =
      error instanceof Failure ? error : new Failure(ExitCode.CONFIG, `cannot update ${trustStorePath(resolveConfigDir())}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
    createLogger({ quiet }).error(failure.message);
    return failure.exitCode;
  }
}

export function main(args: string[]): Promise<number> {
  return command("allow", args);
}

export function deny(args: string[]): Promise<number> {
  return command("deny", args);
}
