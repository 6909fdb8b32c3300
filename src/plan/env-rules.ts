// The run's rules for the child's environment, as one object from the options to plan(): a new
// rule is a field here, one line in src/cli/prepare-options.ts and its use in plan.ts
// (docs/design/cli-architecture.md, "How to add a run option that changes the child's environment").

export interface EnvRules {
  /** --only: the child's names to keep; undefined: all. */
  only: readonly string[] | undefined;
  /** --allow-name: refused or reserved names injected anyway. */
  allowNames: readonly string[];
  /** --skip-invalid: leave out names that cannot be injected instead of stopping. */
  skipInvalid: boolean;
  /** --preserve-env: inherited values over secrets (all, or these names). */
  preserveEnv: boolean | readonly string[];
  /** --pass-token: the child gets SECR_TOKEN. */
  passToken: boolean;
  /** --expand / "expand": `${KEY}` inside values (src/plan/expand.ts). */
  expand: boolean;
  /** --rename / "rename": secr's key → the child's name, applied at once (src/plan/rename.ts). */
  renames: ReadonlyMap<string, string>;
  /** --prefix / "prefix": before every injected name. */
  prefix: string;
}

/** What the command line says: the project file fills what it leaves open (src/config/env-rules.ts). */
export type EnvRuleFlags = Omit<EnvRules, "expand" | "renames" | "prefix"> & {
  expand: boolean | undefined;
  /** `OLD=NEW` as given. */
  rename: readonly string[] | undefined;
  prefix: string | undefined;
};

/** A command line that gives no rule: the project file's "rename", "prefix" and "expand" decide. */
export const NO_RULE_FLAGS: EnvRuleFlags = {
  only: undefined,
  allowNames: [],
  skipInvalid: false,
  preserveEnv: false,
  passToken: false,
  rename: undefined,
  prefix: undefined,
  expand: undefined,
};

/** No rule: every secret under its own name (what a plan without options does). */
export const NO_RULES: EnvRules = {
  only: undefined,
  allowNames: [],
  skipInvalid: false,
  preserveEnv: false,
  passToken: false,
  expand: false,
  renames: new Map(),
  prefix: "",
};
