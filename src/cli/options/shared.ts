// Option groups shared by several commands.
import {
  CACHE_ENV_VARS,
  DEFAULT_CACHE_MAX_AGE,
  DEFAULT_SHARE_WINDOW,
  type CacheFlags,
} from "../../config/cache-settings.js";
import { Option } from "../define/option.js";

/** --yes of the destructive commands: they ask on a terminal and need it otherwise (manage/confirm.ts). */
export const CONFIRM_OPTIONS = {
  yes: Option.Boolean("--yes", false, { alias: "y", description: "do not ask" }),
} as const;

/** --only and the name rules, for the commands that hand secrets on (run, export). */
export function nameRuleOptions(verb: "inject" | "export") {
  const done = verb === "inject" ? "injected" : "exported";
  return {
    only: Option.List("--only", {
      hint: "KEY1,KEY2",
      description: `${verb} only these keys; any missing one fails; repeatable`,
    }),
    skipInvalid: Option.Boolean("--skip-invalid", false, {
      description: `skip (with a warning) names that cannot be ${done} instead of failing`,
    }),
    allowName: Option.List("--allow-name", {
      hint: "NAME",
      description: `${verb} a refused (code-loading) or reserved name anyway, e.g. NODE_OPTIONS; repeatable`,
    }),
    ...COMPOSE_OPTIONS,
  } as const;
}

const COMPOSE = "Layers, names and references (docs/guide/layers.md)";

/** After the layers merge (later --env wins): `${KEY}` references, then renames, then the prefix. */
const COMPOSE_OPTIONS = {
  expand: Option.Boolean("--expand", {
    group: COMPOSE,
    negatable: true,
    description:
      'replace ${KEY} inside values by the value of KEY ($${ is a literal ${); or "expand": true in .secr.json',
  }),
  rename: Option.Repeated("--rename", {
    group: COMPOSE,
    hint: "OLD=NEW",
    description: 'give secr\'s key OLD to the command as NEW; repeatable; or "rename": {"OLD": "NEW"} in .secr.json',
  }),
  prefix: Option.String("--prefix", {
    group: COMPOSE,
    hint: "STR",
    description: 'put STR before every injected name (after renames); or "prefix" in .secr.json',
  }),
} as const;

/** The offline snapshot: run and export fall back to it; check asks secr only. */
export const CACHE_OPTIONS = {
  offline: Option.Boolean("--offline", {
    env: `${CACHE_ENV_VARS.offline}=1`,
    description: "do not contact secr: start from the encrypted snapshot, or exit 69",
  }),
  cache: Option.Boolean("--cache", {
    env: `${CACHE_ENV_VARS.noCache}=1`,
    negatable: true,
    description: "keep an encrypted snapshot for when secr is down (--no-cache: neither read nor write)",
  }),
  cacheDir: Option.String("--cache-dir", {
    hint: "DIR",
    env: CACHE_ENV_VARS.cacheDir,
    defaultText: "$XDG_CACHE_HOME/secr-run or ~/.cache/secr-run",
    description: "snapshot directory",
  }),
  cacheMaxAge: Option.String("--cache-max-age", {
    hint: "DURATION",
    env: CACHE_ENV_VARS.cacheMaxAge,
    defaultText: DEFAULT_CACHE_MAX_AGE,
    description: "oldest snapshot to start from, e.g. 12h, 7d; 0 = no limit",
  }),
  passphrase: Option.String("--passphrase", {
    hint: "TEXT",
    env: CACHE_ENV_VARS.passphrase,
    description: "extra secret mixed into the snapshot key; prefer SECR_PASSPHRASE (argv is visible in ps)",
  }),
  shareWindow: Option.String("--share-window", {
    hint: "DURATION",
    env: CACHE_ENV_VARS.shareWindow,
    defaultText: DEFAULT_SHARE_WINDOW,
    description:
      "also start from another run's fetch begun up to this long before this run was launched (values and revocations up to that late); 0: only fetches begun after",
  }),
} as const;

/** Parsed CACHE_OPTIONS, in the shape cache settings resolution takes. */
export function cacheFlags(options: {
  offline: boolean | undefined;
  cache: boolean | undefined;
  cacheDir: string | undefined;
  cacheMaxAge: string | undefined;
  passphrase: string | undefined;
  shareWindow: string | undefined;
}): CacheFlags {
  const { offline, cache, cacheDir, cacheMaxAge, passphrase, shareWindow } = options;
  return { offline, cache, cacheDir, cacheMaxAge, passphrase, shareWindow };
}
