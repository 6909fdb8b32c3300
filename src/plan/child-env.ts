// The child's complete environment. Pure.
//
// inherited + secrets, secrets win (the point of a secrets store is that its value is the one the
// app sees), except names kept by --preserve-env. secr-run's own credentials are removed unless
// --pass-token: the app gets its secrets, not the key to all of them.
import { dictionary } from "./dictionary.js";

/** secr-run's credentials: scrubbed from the child's inherited environment. */
export const CREDENTIAL_VARS: readonly string[] = ["SECR_TOKEN", "SECR_PASSPHRASE"];

export interface ChildEnvInput {
  inherited: Readonly<Record<string, string | undefined>>;
  secrets: Readonly<Record<string, string>>;
  /** `true`: every inherited value wins over a secret; a list: only those names; false: none. */
  preserve: boolean | readonly string[];
  /** With --pass-token the child receives the token secr-run used, as SECR_TOKEN. */
  passToken: boolean;
  token: string;
  platform?: NodeJS.Platform;
}

export interface ChildEnv {
  env: Record<string, string>;
  /** Secrets not injected because an inherited value was preserved. */
  preserved: string[];
}

export function buildChildEnv(input: ChildEnvInput): ChildEnv {
  const platform = input.platform ?? process.platform;
  const key = (name: string) => (platform === "win32" ? name.toUpperCase() : name);
  const env = dictionary();
  const present = new Map<string, string>(); // normalised name -> actual name in env
  for (const [name, value] of Object.entries(input.inherited)) {
    if (value === undefined) continue;
    if (CREDENTIAL_VARS.includes(key(name))) continue;
    env[name] = value;
    present.set(key(name), name);
  }
  if (input.passToken) {
    const existing = present.get("SECR_TOKEN");
    if (existing !== undefined) delete env[existing];
    env.SECR_TOKEN = input.token;
    present.set("SECR_TOKEN", "SECR_TOKEN");
    const passphrase = Object.entries(input.inherited).find(([name]) => key(name) === "SECR_PASSPHRASE");
    if (passphrase?.[1] !== undefined) env[passphrase[0]] = passphrase[1];
  }
  const keep =
    input.preserve === true
      ? () => true
      : input.preserve === false
        ? () => false
        : (
            (names) => (name: string) =>
              names.has(key(name))
          )(new Set(input.preserve.map(key)));
  const preserved: string[] = [];
  for (const [name, value] of Object.entries(input.secrets)) {
    const existing = present.get(key(name));
    if (existing !== undefined) {
      if (keep(name)) {
        preserved.push(name);
        continue;
      }
      // On Windows `Path` and `PATH` are one variable: drop the inherited spelling.
      if (existing !== name) delete env[existing];
    }
    env[name] = value;
  }
  return { env, preserved };
}
