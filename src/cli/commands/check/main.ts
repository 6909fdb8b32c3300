// `secr-run check`: validate an environment against the project template (CI pre-flight).
// Prints missing and extra key names and broken schema rules (never values) to stdout; exit 0 when
// valid, 78 when not.
import { printableName } from "../../../plan/names.js";
import { checkTemplate } from "../../../plan/template-check.js";
import { target } from "../../../config/target.js";
import { ExitCode } from "../../../core/exit-codes.js";
import { loadSettings } from "../../../pipeline/load-settings.js";
import { frame, type Io } from "../../frame.js";
import { obtainSecrets, validateOnly } from "../../../pipeline/obtain-secrets.js";
import { loadProjectSchema } from "../../../pipeline/prepare.js";
import { compose } from "../../../plan/compose.js";
import { checkLayeredTemplates, type LayeredTemplateCheck } from "../../../plan/layered-template.js";
import { layersOf, rulesFor } from "../../../pipeline/prepare.js";
import { NO_RULE_FLAGS } from "../../../plan/env-rules.js";
import type { SchemaCheckResult } from "../../../schema/check.js";
import { checkCommand } from "./command.js";
import { settingFlags } from "../../options/globals.js";

export function main(args: string[], io?: Io): Promise<number> {
  return check(checkCommand, args, io);
}

/** `check`, and `templates validate` (the same command under the templates group). */
export function check(definition: typeof checkCommand, args: string[], io?: Io): Promise<number> {
  // SIGUSR1 is already kept from opening Node's inspector by bin/secr-run.js; other signals keep
  // their default: no child to wait for, so dying at once is right.
  return frame(args, io, async ({ io, log }) => {
    const { options } = definition.parse(args);
    const settings = loadSettings(settingFlags(options), log, io.env, io.cwd, undefined, true);
    // A declared schema is checked against the values as stored in secr, so check pulls them too
    // (values stay in memory; only key names and rules are printed).
    const schema = await loadProjectSchema(settings);
    // Several layers: each layer's project template against the merged set (docs/guide/layers.md),
    // so check pulls them; the schema checks the merged values under the names a run gives them.
    const layered = settings.layers.length > 1;
    let template: LayeredTemplateCheck;
    let schemaResult: SchemaCheckResult | undefined;
    if (schema === undefined && !layered) {
      const validation = await validateOnly(settings, { log });
      template = { ...checkTemplate(validation), missingFrom: [] };
    } else {
      const obtained = await obtainSecrets(settings, { log, validate: true });
      template = checkLayeredTemplates(layersOf(settings, obtained), obtained.secrets)!;
      if (schema !== undefined) {
        // check takes no rule flags: .secr.json's rules decide the names the schema checks.
        const values = compose(layersOf(settings, obtained), rulesFor({ rules: NO_RULE_FLAGS }, settings)).secrets;
        schemaResult = schema.check((key) => (Object.hasOwn(values, key) ? values[key] : undefined));
      }
    }
    const missingText = layered
      ? template.missingFrom.map(({ key, project }) => `${printableName(key)} (template of ${project})`).join(", ")
      : template.missing.map(printableName).join(", ");
    const schemaFailed = schemaResult !== undefined && schemaResult.failures.length > 0;
    const where = target(settings);
    if (options.json) {
      const result: Record<string, unknown> = {
        org: settings.org,
        project: settings.project,
        env: settings.env,
        valid: !template.failed && !schemaFailed,
        missing: template.missing,
        extra: template.extra,
      };
      if (schemaResult !== undefined)
        result.schema = {
          file: schema!.file,
          valid: !schemaFailed,
          failures: schemaResult.failures,
          defaults: Object.keys(schemaResult.defaults),
        };
      io.stdout.write(`${JSON.stringify(result)}\n`);
    } else {
      const lines = [
        template.failed
          ? `${where}: missing ${template.missing.length} required key${template.missing.length === 1 ? "" : "s"}: ${missingText || "(none listed)"}`
          : `${where}: valid`,
      ];
      if (template.extra.length > 0)
        lines.push(
          `${where}: ${template.extra.length} key${template.extra.length === 1 ? "" : "s"} not in the template: ${template.extra.map(printableName).join(", ")}`,
        );
      if (schemaResult !== undefined) {
        lines.push(
          schemaFailed
            ? `${where}: breaks the schema in ${schema!.file}: ${schemaResult.failures.map((f) => `${printableName(f.key)} ${f.rule}`).join("; ")}`
            : `${where}: satisfies the schema in ${schema!.file}`,
        );
      }
      io.stdout.write(`${lines.join("\n")}\n`);
    }
    return template.failed || schemaFailed ? ExitCode.CONFIG : ExitCode.OK;
  });
}
