// Who a snapshot belongs to. The token and passphrase are key material only: they never reach
// a file name, a header or an error message.

export interface SnapshotIdentity {
  apiUrl: string;
  org: string;
  project: string;
  env: string;
  token: string;
  /** Optional extra secret (`--passphrase` / `SECR_PASSPHRASE`) mixed into the key. */
  passphrase?: string | undefined;
}

/** The target without credentials: what the encryption binds a snapshot to (seal.ts). */
export type SnapshotLocator = Pick<SnapshotIdentity, "apiUrl" | "org" | "project" | "env">;

/** What names a snapshot and its fetch lock: the target and the token (file-name.ts keys it, so
 *  the token never appears in a name). */
export type SnapshotOwner = Pick<SnapshotIdentity, "apiUrl" | "org" | "project" | "env" | "token">;

/** An empty passphrase (e.g. `SECR_PASSPHRASE=`) means none, as an empty env var usually does. */
export function hasPassphrase(identity: SnapshotIdentity): identity is SnapshotIdentity & { passphrase: string } {
  return identity.passphrase !== undefined && identity.passphrase !== "";
}

/**
 * One unambiguous byte string for (apiUrl, org, project, env): a JSON array, so no choice of
 * slugs can make two identities collide. The trailing slash is dropped as the client does.
 */
export function canonicalLocator({ apiUrl, org, project, env }: SnapshotLocator): Buffer {
  return Buffer.from(JSON.stringify(["secr-run/snapshot", apiUrl.replace(/\/+$/, ""), org, project, env]), "utf8");
}

/** The same for (target, token): one snapshot per token, so runs of two tokens on one machine
 *  never replace each other's snapshot. Only ever fed to an HMAC (file-name.ts), never stored. */
export function canonicalOwner({ apiUrl, org, project, env, token }: SnapshotOwner): Buffer {
  return Buffer.from(
    JSON.stringify(["secr-run/snapshot-name/v2", apiUrl.replace(/\/+$/, ""), org, project, env, token]),
    "utf8",
  );
}
