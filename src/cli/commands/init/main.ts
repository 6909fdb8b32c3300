// `secr-run init`: .secr.json in the working directory, with what the flags (or SECR_ORG,
// SECR_PROJECT, SECR_ENV) say. Never a token; apiUrl only from --api-url on this command line,
// and then the written file is trusted at once (the user just chose that URL; docs/design/trust.md).
import { oneEnv } from "../../options/globals.js";
import { join } from "node:path";
import { readProjectFile, PROJECT_FILE_NAME } from "../../../config/project-file.js";
import { ENV_VARS, resolveSettings } from "../../../config/settings.js";
import { ownershipFixText, printable, shownApiUrl, withTrust } from "../../../config/trust.js";
import { resolveConfigDir, updateTrustStore } from "../../../config/trust-store.js";
import { initCommand } from "./command.js";
import { ExitCode } from "../../../core/exit-codes.js";
import { Failure } from "../../../core/failure.js";
import { manageMain, printJson } from "../../manage/command-main.js";
import type { Io } from "../../frame.js";
import { writeProjectFile } from "./write-project-file.js";

export function main(args: string[], io?: Io): Promise<number> {
  return manageMain(args, io, async ({ io, log }) => {
    const { options } = initCommand.parse(args);
    const pick = (flag: string | undefined, name: "org" | "project" | "env") =>
      flag ?? (io.env[ENV_VARS[name]] || undefined);
    const org = pick(options.org, "org");
    const project = pick(options.project, "project");
    const given = oneEnv(options.env);
    if (given instanceof Error) throw initCommand.usageError(given.message);
    const env = pick(given, "env");
    const missing = [org === undefined && "--org", project === undefined && "--project"].filter(Boolean);
    if (missing.length > 0) throw initCommand.usageError(`missing ${missing.join(" and ")}`);
    let apiUrl: string | undefined;
    if (options.apiUrl !== undefined) {
      // The same URL check every command applies to --api-url.
      const checked = resolveSettings({
        flags: { apiUrl: options.apiUrl, token: "-" },
        env: {},
        projectFile: undefined,
        needs: [],
      });
      if (!checked.ok) throw new Failure(checked.usage ? ExitCode.USAGE : ExitCode.CONFIG, checked.message);
      apiUrl = checked.settings.apiUrl;
    }
    const data = { org, project, ...(env === undefined ? {} : { env }), ...(apiUrl === undefined ? {} : { apiUrl }) };
    const path = join(io.cwd, PROJECT_FILE_NAME);
    const text = `${JSON.stringify(data, null, 2)}\n`;
    let outcome: "written" | "exists";
    try {
      outcome = await writeProjectFile(path, text, options.force);
    } catch (error) {
      throw new Failure(
        ExitCode.CONFIG,
        `cannot write ${printable(path)} (${(error as NodeJS.ErrnoException).code ?? "error"})`,
      );
    }
    if (outcome === "exists")
      throw new Failure(ExitCode.CONFIG, `${printable(path)} exists; keep it, or replace it with --force`);

    // Read back as every command reads it: the ownership rule may refuse it (a directory others can write).
    const read = readProjectFile(path);
    if (read instanceof Error) throw new Failure(ExitCode.CONFIG, read.message);
    if (read.kind === "unsafe")
      log.warn(
        `${printable(path)} was written, but secr-run will ignore it: ${read.reason}; fix: ${ownershipFixText(path, read.fix)}`,
      );
    if (apiUrl !== undefined && read.kind === "loaded") {
      try {
        await updateTrustStore(resolveConfigDir(), (store) =>
          withTrust(store, { ...read.file, sha256: read.file.sha256! }),
        );
      } catch (error) {
        throw new Failure(
          ExitCode.CONFIG,
          `wrote ${printable(path)} but could not record its trust (${error instanceof Error ? error.message : String(error)}); run secr-run allow`,
        );
      }
    }
    if (options.json) printJson(io, { path, ...data });
    else if (!options.quiet) {
      const trusted = apiUrl === undefined ? "" : `; trusted its apiUrl ${shownApiUrl(apiUrl)}`;
      io.stdout.write(`wrote ${printable(path)} (${[org, project, env].filter(Boolean).join("/")})${trusted}\n`);
    }
    return ExitCode.OK;
  });
}
