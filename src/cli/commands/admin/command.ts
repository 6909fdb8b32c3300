// `secr-run admin ...`: projects, environments and tokens of a secr-run serve (local or remote),
// through its API. Declarations only; the code is beside them (projects.ts, tokens.ts).
import { defineCommand } from "../../define/command.js";
import { Option } from "../../define/option.js";
import { GLOBAL_OPTIONS } from "../../options/globals.js";
import { SETTINGS_NOTE } from "../../options/notes.js";

const json = (what: string) => Option.Boolean("--json", false, { description: `print ${what} as JSON` });
const ADMIN_NOTE = "Needs an admin token (SECR_TOKEN): the serve --token one, or an admin token scoped to the org.";

export const adminProjectsCreateCommand = defineCommand({
  path: ["admin", "projects", "create"],
  summary: "create a project (with development, staging and production)",
  description:
    "Create PROJECT in ORG (the org is created if new), with the environments development, staging and production.",
  options: { json: json("{org, slug, environments}"), ...GLOBAL_OPTIONS },
  positionals: [{ name: "project", description: "ORG/PROJECT" }],
  examples: [["secr-run admin projects create acme/api", "a new project"]],
  notes: [ADMIN_NOTE],
  exitCodes: [0, 64, 69, 77, [78, "configuration, or the project exists already"]],
});

const ENV_NOTES = [`${SETTINGS_NOTE} --env is not used: name the environment as ENV.`, ADMIN_NOTE];

export const adminEnvsListCommand = defineCommand({
  path: ["admin", "envs", "list"],
  summary: "list a project's environments",
  description: "List the environments of the project (--org, --project or .secr.json).",
  options: { json: json("{org, project, environments: [slug]}"), ...GLOBAL_OPTIONS },
  notes: ENV_NOTES,
  exitCodes: [0, 64, 69, 77, 78],
});

export const adminEnvsCreateCommand = defineCommand({
  path: ["admin", "envs", "create"],
  summary: "create an environment",
  description: "Create the environment ENV in the project (--org, --project or .secr.json).",
  options: { json: json("{slug}"), ...GLOBAL_OPTIONS },
  positionals: [{ name: "env", description: "the new environment's slug" }],
  examples: [["secr-run admin envs create qa --org acme --project api", "a qa environment"]],
  notes: ENV_NOTES,
  exitCodes: [0, 64, 69, 77, [78, "configuration, or the environment exists already"]],
});

export const adminEnvsDeleteCommand = defineCommand({
  path: ["admin", "envs", "delete"],
  summary: "delete an environment and every secret in it (asks first)",
  description:
    "Delete the environment ENV and every secret in it. On a terminal secr-run asks first; otherwise --yes is required.",
  options: {
    yes: Option.Boolean("--yes", false, { alias: "y", description: "do not ask" }),
    json: json("{deleted}"),
    ...GLOBAL_OPTIONS,
  },
  positionals: [{ name: "env", description: "the environment's slug" }],
  notes: ENV_NOTES,
  exitCodes: [0, [64, "usage, or no terminal to ask and no --yes"], 69, 77, 78],
});

export const adminTokensCreateCommand = defineCommand({
  path: ["admin", "tokens", "create"],
  summary: "create a token (printed once, to stdout)",
  description:
    "Create a token and print it once, alone on stdout (its details go to stderr): TOKEN=$(secr-run admin tokens create ...). " +
    "Its scope is exactly what --org, --project and --env say on this command line (SECR_ORG and .secr.json are not used " +
    "here): no --org means every org. A viewer reads only; an admin also writes.",
  options: {
    name: Option.String("--name", {
      required: true,
      hint: "NAME",
      description: "what the token is for (ci, alice, ...)",
    }),
    role: Option.Choice("--role", ["admin", "viewer"] as const, {
      required: true,
      description: "admin: read and write; viewer: read only",
    }),
    expires: Option.String("--expires", {
      hint: "DURATION",
      description: "lifetime, e.g. 90d, 12h (default: no expiry)",
    }),
    json: json("{id, name, role, org, project, env, expiresAt, token}"),
    ...GLOBAL_OPTIONS,
  },
  examples: [
    [
      "secr-run admin tokens create --name ci --role viewer --org acme --project api --env production --expires 90d",
      "a CI token for one environment",
    ],
  ],
  notes: [ADMIN_NOTE],
  exitCodes: [0, 64, 69, 77, [78, "configuration, or the scope does not exist"]],
});

export const adminTokensListCommand = defineCommand({
  path: ["admin", "tokens", "list"],
  summary: "list tokens (never their secrets)",
  description:
    "List tokens: id, name, role, scope, state (active, expired, revoked) and expiry. A token's secret is never shown again.",
  options: { json: json("{tokens: [...]}"), ...GLOBAL_OPTIONS },
  notes: [ADMIN_NOTE],
  exitCodes: [0, 64, 69, 77, 78],
});

export const adminTokensRevokeCommand = defineCommand({
  path: ["admin", "tokens", "revoke"],
  summary: "revoke a token by id",
  description: "Revoke the token with this id (see secr-run admin tokens list): from now on it is refused (401).",
  options: { json: json("{revoked, id}"), ...GLOBAL_OPTIONS },
  positionals: [{ name: "id", description: "the token's id" }],
  notes: [ADMIN_NOTE],
  exitCodes: [0, 64, 69, 77, [78, "configuration, or no such token"]],
});
