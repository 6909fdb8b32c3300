// `secr-run explain [run options]`: the rows of the plan a run with these options would follow
// (src/launcher/plan.ts), with fingerprints, on stdout. Starts nothing; exits 0 when the run
// would start the command, else with the code the run would exit with.
import { Failure } from "./failure.js";
import { createLogger } from "./log.js";
import { prepare } from "./prepare.js";
import { explainCommand } from "./commands/explain.js";
import { scanVerbosity, settingFlags } from "./commands/globals.js";
import { cacheFlags } from "./commands/shared.js";

export async function main(args: string[]): Promise<number> {
  const log = createLogger(scanVerbosity(args));
  try {
    const { options } = explainCommand.parse(args);
    const inherited = process.env;
    const { settings, obtained, plan, where } = await prepare({
      flags: settingFlags(options),
      cacheFlags: cacheFlags(options),
      validate: options.validate,
      only: options.only,
      allowNames: options.allowName ?? [],
      skipInvalid: options.skipInvalid,
      preserveEnv: options.preserveEnv ?? false,
      passToken: options.passToken,
      context: "run",
      inherited,
      log,
    });
    const [{ fingerprintKey }, { explainReport, explainRows, formatExplainTable }] = await Promise.all([import("../explain/fingerprint.js"), import("../explain/rows.js")]);
    const rows = explainRows(plan, { secrets: obtained.secrets, inherited, token: settings.token }, fingerprintKey(settings.token));
    const source = obtained.source === "snapshot" ? { kind: "snapshot" as const, ageMs: obtained.ageMs ?? 0 } : { kind: "secr" as const };
    const report = explainReport(where, source, plan, rows);
    process.stdout.write(options.json ? `${JSON.stringify(report)}\n` : formatExplainTable(report));
    // Let the snapshot write after a pull finish, as a run would.
    await obtained.saved;
    return report.exitCode;
  } catch (error) {
    if (error instanceof Failure) {
      log.error(error.message);
      return error.exitCode;
    }
    throw error;
  }
}
