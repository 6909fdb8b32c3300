// The template check over layers: every required key of every layer's project template must be
// present in the merged result (docs/guide/layers.md). secr validates one environment's own
// secrets, so a key it reports missing in one layer passes when another layer has it. Pure.
import type { PlanLayer } from "./compose.js";
import { checkTemplate, type TemplateCheck } from "./template-check.js";

export interface LayeredTemplateCheck extends TemplateCheck {
  /** Each missing key with the project whose template requires it. */
  missingFrom: Array<{ key: string; project: string }>;
}

/** undefined when no layer was validated (--no-validate). */
export function checkLayeredTemplates(
  layers: readonly PlanLayer[],
  merged: Readonly<Record<string, string>>,
): LayeredTemplateCheck | undefined {
  const validated = layers.filter((layer) => layer.validation !== undefined);
  if (validated.length === 0) return undefined;
  let failed = false;
  const missingFrom = new Map<string, { key: string; project: string }>();
  const known = new Set<string>();
  const extra = new Set<string>();
  for (const layer of validated) {
    const own = checkTemplate(layer.validation!);
    const missing = own.missing.filter((key) => !Object.hasOwn(merged, key));
    // `valid: false` with nothing listed is a server inconsistency: fail closed, as for one env.
    if (missing.length > 0 || (own.failed && own.missing.length === 0)) failed = true;
    for (const key of missing) missingFrom.set(`${layer.project}\0${key}`, { key, project: layer.project });
    for (const key of Object.keys(layer.secrets)) if (!own.extra.includes(key)) known.add(key);
    for (const key of own.extra) extra.add(key);
  }
  const list = [...missingFrom.values()].sort((a, b) =>
    a.key < b.key ? -1 : a.key > b.key ? 1 : a.project < b.project ? -1 : 1,
  );
  return {
    failed,
    missing: [...new Set(list.map((entry) => entry.key))],
    missingFrom: list,
    extra: [...extra].filter((key) => !known.has(key)).sort(),
  };
}
