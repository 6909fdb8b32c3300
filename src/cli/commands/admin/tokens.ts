// `secr-run admin tokens create|list|revoke`. A new token is printed once, alone on stdout, so
// `$(...)` captures it; nothing else ever prints one (list shows ids, never secrets).
import type { TokenInfo } from "../../../client/schemas.js";
import { parseDuration } from "../../../config/duration.js";
import { printable } from "../../../config/trust.js";
import { ExitCode } from "../../../core/exit-codes.js";
import { oneEnv, settingFlags } from "../../options/globals.js";
import { adminTokensCreateCommand, adminTokensListCommand, adminTokensRevokeCommand } from "./command.js";
import { manageMain, printJson, printTable } from "../../manage/command-main.js";
import type { Io } from "../../frame.js";
import { withSecr } from "../../manage/session.js";

const scopeOf = (t: Pick<TokenInfo, "org" | "project" | "env">) =>
  printable([t.org, t.project, t.env].filter((part) => part !== null).join("/")) || "(every org)";
const info = ({ id, name, role, org, project, env, createdAt, expiresAt, revokedAt, state, createdBy }: TokenInfo) => ({
  id,
  name,
  role,
  org,
  project,
  env,
  createdAt,
  expiresAt,
  revokedAt,
  state,
  createdBy,
});

export function main(args: string[], io?: Io): Promise<number> {
  return manageMain(args, io, async ({ io, settings: load }) => {
    const { options: parsed } = adminTokensCreateCommand.parse(args);
    const env = oneEnv(parsed.env);
    if (env instanceof Error) throw adminTokensCreateCommand.usageError(env.message);
    const options = { ...parsed, env };
    // The scope is what this command line says, never SECR_ORG or .secr.json: a token's reach is typed, not inherited.
    if (options.env !== undefined && options.project === undefined)
      throw adminTokensCreateCommand.usageError("--env needs --project (and --org)");
    if (options.project !== undefined && options.org === undefined)
      throw adminTokensCreateCommand.usageError("--project needs --org");
    let expiresAt: Date | undefined;
    if (options.expires !== undefined) {
      const ms = parseDuration(options.expires);
      if (ms instanceof Error || ms <= 0)
        throw adminTokensCreateCommand.usageError(
          `--expires: ${ms instanceof Error ? ms.message : "must be greater than 0"}`,
        );
      expiresAt = new Date(Date.now() + ms);
    }
    const settings = load(settingFlags({ ...parsed, org: undefined, project: undefined, env: undefined }), []);
    const created = await withSecr(
      settings,
      {
        where: scopeOf({ org: options.org ?? null, project: options.project ?? null, env: options.env ?? null }),
        write: true,
      },
      ({ client, signal }) =>
        client.createToken(
          {
            name: options.name,
            role: options.role,
            ...(options.org === undefined ? {} : { org: options.org }),
            ...(options.project === undefined ? {} : { project: options.project }),
            ...(options.env === undefined ? {} : { env: options.env }),
            ...(expiresAt === undefined ? {} : { expiresAt }),
          },
          { signal },
        ),
    );
    if (options.json) printJson(io, { ...info(created), token: created.token });
    else {
      io.stdout.write(`${created.token}\n`);
      io.stderr.write(
        `secr-run: created token ${printable(created.id)} (${printable(created.name, 40)}, ${created.role}, ${scopeOf(created)}, ${created.expiresAt === null ? "no expiry" : `expires ${printable(created.expiresAt)}`}); ` +
          "it is shown this once: store it now (e.g. as SECR_TOKEN in your CI's secrets)\n",
      );
    }
    return ExitCode.OK;
  });
}

export function list(args: string[], io?: Io): Promise<number> {
  return manageMain(args, io, async ({ io, settings: load }) => {
    const { options } = adminTokensListCommand.parse(args);
    const settings = load(settingFlags(options), []);
    const tokens = await withSecr(settings, { where: "tokens", write: false }, ({ client, signal }) =>
      client.listTokens({ signal }),
    );
    if (options.json) printJson(io, { tokens: tokens.map(info) });
    else {
      printTable(io, [
        ["ID", "NAME", "ROLE", "SCOPE", "STATE", "EXPIRES", "CREATED BY"],
        ...tokens.map((t) => [
          printable(t.id),
          printable(t.name, 40),
          t.role,
          scopeOf(t),
          t.state,
          printable(t.expiresAt ?? "never"),
          printable(t.createdBy ?? "-"),
        ]),
      ]);
    }
    return ExitCode.OK;
  });
}

export function revoke(args: string[], io?: Io): Promise<number> {
  return manageMain(args, io, async ({ io, settings: load }) => {
    const { options, args: positional } = adminTokensRevokeCommand.parse(args);
    const settings = load(settingFlags(options), []);
    const result = await withSecr(settings, { where: `token ${positional.id}`, write: true }, ({ client, signal }) =>
      client.revokeToken(positional.id, { signal }),
    );
    if (options.json) printJson(io, result);
    else {
      io.stdout.write(`revoked token ${printable(result.id)}\n`);
      // What it had created goes with it (docs/design/server.md, "Token lifecycle"): say which, one per line.
      for (const id of result.alsoRevoked)
        io.stdout.write(`revoked token ${printable(id)} (created by ${printable(result.id)})\n`);
    }
    return ExitCode.OK;
  });
}
