// Set by `secr-run serve --detach` in its server's environment: that server outlives its parent
// on purpose, so it does not watch it (src/cli/commands/serve/parent.ts).
export const DETACHED_ENV = "SECR_RUN_SERVE_DETACHED";
