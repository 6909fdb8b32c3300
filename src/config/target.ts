// Dependency-free on purpose: run.ts imports it statically, and nothing slow may load before the
// supervisor's signal listeners (docs/design/process-model.md, "Before the child").

/** `org/project/env`, how messages name the environment a command works on. */
export function target(settings: { org: string; project: string; env: string }): string {
  return `${settings.org}/${settings.project}/${settings.env}`;
}
