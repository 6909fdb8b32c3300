// One process of simulated pods for bench/fleet.js: each pod is a SecrClient (the built
// library) doing what `secr-run` does on start (the pull and the template check, together),
// at its scheduled time, after its start jitter. Reads its plan as JSON on stdin, prints one JSON
// line: per pod, time to secrets in ms (null: it never got them) and whether they were stale.
import { readFileSync } from "node:fs";
import { SecrClient } from "../../dist/index.js";

const plan = JSON.parse(readFileSync(0, "utf8"));
// { epoch (ms, Date.now() scale), warmUrl, pods: [{ at, jitterMs, token, env, apiUrl }] }
const results = new Array(plan.pods.length);

// One start first, against an unlimited server: this process's first-use costs (module
// loading, JIT) are the simulator's, not a pod's (each real pod is its own process).
const warm = new SecrClient({ token: "warm-up", apiUrl: plan.warmUrl });
await Promise.all([warm.pullAllSecrets("fleet", "svc", "warm"), warm.validateTemplate("fleet", "svc", "warm")]);
await warm.close();

async function pod(index, { at, jitterMs, token, env, apiUrl }) {
  const wait = plan.epoch + at - Date.now();
  if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
  const started = performance.now();
  if (jitterMs > 0) await new Promise((resolve) => setTimeout(resolve, Math.floor(Math.random() * jitterMs)));
  const client = new SecrClient({ token, apiUrl, timeout: 30_000 });
  try {
    await Promise.all([client.pullAllSecrets("fleet", "svc", env), client.validateTemplate("fleet", "svc", env)]);
    results[index] = { ms: performance.now() - started, stale: client.staleSeconds !== undefined, at };
  } catch (error) {
    results[index] = { ms: null, stale: false, code: error?.code ?? "unknown" };
  } finally {
    await client.close().catch(() => {});
  }
}

await Promise.all(plan.pods.map((p, i) => pod(i, p)));
process.stdout.write(`${JSON.stringify(results)}\n`);
