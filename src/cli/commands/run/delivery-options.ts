// The delivery and masking options of `run`, checked and turned into what src/deliver and
// src/mask take. Pure; every problem is a usage error (64).
import type { FileSpec, DeliverySpec, TemplateSpec } from "../../../deliver/specs.js";
import { parseFileOption, parseTemplateOption } from "../../../deliver/specs.js";
import type { ExportFormat } from "../../../plan/export-format.js";
import { DEFAULT_MASK_MIN_LENGTH } from "../../../mask/patterns.js";
import { ExitCode } from "../../../core/exit-codes.js";
import { Failure } from "../../../core/failure.js";

export interface DeliveryOptions {
  file?: string[] | undefined;
  mount?: string | undefined;
  mountFormat?: ExportFormat | undefined;
  template?: string[] | undefined;
  mask: boolean;
  maskMinLength?: string | undefined;
}

export interface DeliverySettings {
  spec: DeliverySpec;
  /** undefined: no masking. */
  maskMinLength: number | undefined;
}

export function deliverySettings(
  options: DeliveryOptions,
  platform: NodeJS.Platform = process.platform,
): DeliverySettings {
  const unwrap = <T>(parsed: { ok: true; value: T } | { ok: false; message: string }): T => {
    if (!parsed.ok) throw new Failure(ExitCode.USAGE, parsed.message);
    return parsed.value;
  };
  const files: FileSpec[] = (options.file ?? []).map((text) => unwrap(parseFileOption(text)));
  const templates: TemplateSpec[] = (options.template ?? []).map((text) => unwrap(parseTemplateOption(text, platform)));
  if (options.mountFormat !== undefined && options.mount === undefined)
    throw new Failure(ExitCode.USAGE, "--mount-format needs --mount PATH");
  if (options.maskMinLength !== undefined && !options.mask)
    throw new Failure(ExitCode.USAGE, "--mask-min-length needs --mask");
  let maskMinLength: number | undefined;
  if (options.mask) {
    const text = options.maskMinLength ?? String(DEFAULT_MASK_MIN_LENGTH);
    maskMinLength = /^\d{1,4}$/.test(text) ? Number(text) : Number.NaN;
    if (!(maskMinLength >= 1))
      throw new Failure(ExitCode.USAGE, `--mask-min-length must be a whole number from 1 to 9999 (got "${text}")`);
  }
  const mount =
    options.mount === undefined ? undefined : { path: options.mount, format: options.mountFormat ?? "dotenv" };
  return { spec: { files, mount, templates }, maskMinLength };
}
