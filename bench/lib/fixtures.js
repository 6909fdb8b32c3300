// The secrets every tool reads: the same names and values for secr-run (from the local server)
// and for the peers (from a .env file). Deterministic, so runs are comparable.
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";

export const ORG = "bench";
export const ENV = "bench";
// Given to `secr-run serve --token` (a loopback dev server's admin token, not a secret).
export const TOKEN = "secr_cli_bench_harness_token";
export const projectFor = (count) => `s${count}`;

/** `count` secrets named BENCH_SECRET_00000.. with 32 alphanumeric characters each (safe in any .env parser). */
export function makeSecrets(count) {
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
  let state = 0x9e3779b9 ^ count; // xorshift32: reproducible values without a dependency
  const next = () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return state >>> 0;
  };
  const secrets = {};
  for (let i = 0; i < count; i++) {
    let value = "";
    for (let c = 0; c < 32; c++) value += alphabet[next() % alphabet.length];
    secrets[`BENCH_SECRET_${String(i).padStart(5, "0")}`] = value;
  }
  return secrets;
}

/** The `secr-run serve --seed` file: one project per size, each with an environment `bench`. */
export function writeSeed(file, sizes) {
  const projects = {};
  for (const count of sizes)
    projects[projectFor(count)] = { environments: { [ENV]: makeSecrets(count) }, templates: [] };
  writeFileSync(file, JSON.stringify({ orgs: { [ORG]: { projects } } }), { mode: 0o600 });
}

/** A directory per size holding `.env` with the same values: the peers' input, and every command's cwd. */
export function writeDotenvDir(root, count) {
  const dir = join(root, projectFor(count));
  mkdirSync(dir, { recursive: true });
  const lines = Object.entries(makeSecrets(count)).map(([key, value]) => `${key}=${value}`);
  writeFileSync(join(dir, ".env"), `${lines.join("\n")}\n`, { mode: 0o600 });
  return dir;
}
