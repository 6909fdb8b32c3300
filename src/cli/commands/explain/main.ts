// `secr-run explain [run options]`: the rows of the plan a run with these options would follow
// (src/plan/plan.ts), with fingerprints, on stdout. Starts nothing; exits 0 when the run
// would start the command, else with the code the run would exit with.
import { commandMain } from "../../frame.js";
import { prepare } from "../../../pipeline/prepare.js";
import { runPrepareOptions } from "../../prepare-options.js";
import { explainCommand } from "./command.js";

export const main = commandMain(async (args, { io, log }) => {
  const { options } = explainCommand.parse(args);
  // Exactly what a run with these options would prepare.
  const prepareOptions = { ...runPrepareOptions(options, log, io.env), env: io.env, cwd: io.cwd };
  const { inherited } = prepareOptions;
  const { settings, obtained, plan, where } = await prepare(prepareOptions);
  const [{ fingerprintKey }, { explainReport, explainRows, formatExplainTable }] = await Promise.all([
    import("../../../explain/fingerprint.js"),
    import("../../../explain/rows.js"),
  ]);
  const rows = explainRows(plan, { inherited, token: settings.token }, fingerprintKey(settings.token));
  const source =
    obtained.source === "snapshot"
      ? { kind: "snapshot" as const, ageMs: obtained.ageMs ?? 0 }
      : { kind: "secr" as const };
  const report = explainReport(where, source, plan, rows);
  io.stdout.write(options.json ? `${JSON.stringify(report)}\n` : formatExplainTable(report));
  // Let the snapshot write after a pull finish, as a run would.
  await obtained.saved;
  return report.exitCode;
});
