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

/** The part of the identity that names the snapshot (what purge needs: no credentials). */
export type SnapshotLocator = Pick<SnapshotIdentity, "apiUrl" | "org" | "project" | "env">;

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
