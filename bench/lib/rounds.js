// Runs commands side by side, alternating them round-robin (the start rotates every round), so
// drift in machine load hits every command alike. Warm-up rounds are discarded. A command that
// fails is dropped from later rounds and reported with the reason, never crashing the run.
import { timedRun } from "./measure.js";

/**
 * @param commands [{ name, cmd, cwd, env }]
 * @returns Map name -> { ms: number[], rssKiB: number[], error?: string }
 */
export function roundRobin(commands, { rounds, warmup, budgetMs, minRounds = 3, onRound }) {
  const results = new Map(
    commands.map((c) => [c.name, { ms: [], cpuMs: [], rssKiB: [], byRound: [], cpuByRound: [] }]),
  );
  const started = Date.now();
  for (let round = 0; round < warmup + rounds; round++) {
    const measured = round >= warmup;
    if (measured && round - warmup >= minRounds && Date.now() - started > budgetMs) break;
    for (let i = 0; i < commands.length; i++) {
      const command = commands[(i + round) % commands.length];
      const result = results.get(command.name);
      if (result.error) continue;
      try {
        const { ms, cpuMs, rssKiB } = timedRun(command.cmd, command);
        if (measured) {
          result.ms.push(ms);
          if (Number.isFinite(rssKiB)) result.rssKiB.push(rssKiB);
          if (Number.isFinite(cpuMs)) result.cpuMs.push(cpuMs);
          result.byRound[round - warmup] = ms;
          result.cpuByRound[round - warmup] = cpuMs;
        }
      } catch (error) {
        result.error = error.message;
      }
    }
    onRound?.(round, measured);
  }
  return results;
}

/** Median-ready list of per-round differences `a - b` (paired: same round, same machine state). */
export function pairedDifferences(a, b, key = "byRound") {
  const out = [];
  for (let i = 0; i < Math.min(a[key].length, b[key].length); i++) {
    if (Number.isFinite(a[key][i]) && Number.isFinite(b[key][i])) out.push(a[key][i] - b[key][i]);
  }
  return out;
}
