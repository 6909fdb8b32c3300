// Every key (never a value) of an environment, following pages with the same consistency rule
// as pullAllSecrets (src/client/paging.ts): a set that shifts between pages is an error, never
// a partial list.
import type { SecrClient } from "../../../client/client.js";
import { SecrApiError } from "../../../client/errors.js";
import { addPage, newPageState } from "../../../client/paging.js";
import type { SecretMeta } from "../../../client/schemas.js";

const PAGE_SIZE = 1000;

export async function listAllKeys(
  client: SecrClient,
  org: string,
  project: string,
  env: string,
  signal: AbortSignal,
): Promise<SecretMeta[]> {
  const state = newPageState<SecretMeta>();
  let offset = 0;
  for (;;) {
    const page = await client.listKeys(org, project, env, { limit: PAGE_SIZE, offset, signal });
    const verdict = addPage(state, offset, { secrets: page.keys, pagination: page.pagination });
    if (verdict.next === "done") return state.secrets;
    if (verdict.next === "inconsistent")
      throw new SecrApiError(
        `keys of ${org}/${project}/${env} changed while being listed (${verdict.reason}); try again`,
        200,
        "inconsistent_data",
      );
    if (verdict.next === "too-large")
      throw new SecrApiError(`keys of ${org}/${project}/${env}: ${verdict.reason}`, 0, "response_too_large");
    offset = verdict.offset;
  }
}
