// Runs the BUILT CLI as a caching agent (`secr-run serve --upstream URL`) on a free loopback
// port, for black-box tests. Run `npm run build` first.
import { execa } from "execa";
import { CLI } from "./cli.js";
import { readUrlLine, type StopResult } from "./local-server.js";

export interface AgentProcess {
  url: string;
  stderr(): string;
  stop(): Promise<StopResult>;
}

export async function startAgentProcess(
  upstream: string,
  args: string[] = [],
  env: Record<string, string> = {},
): Promise<AgentProcess> {
  const child = execa(process.execPath, [CLI, "serve", "--port", "0", "--upstream", upstream, ...args], {
    buffer: false,
    reject: false,
    stdin: "ignore",
    env,
  });
  let stderr = "";
  child.stderr!.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
  let url: string;
  try {
    url = await readUrlLine(child, 20_000, () => stderr);
  } catch (error) {
    child.kill("SIGKILL");
    await child;
    throw error;
  }
  let stopped: Promise<StopResult> | undefined;
  const stop = () =>
    (stopped ??= (async () => {
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
      const result = await child;
      clearTimeout(timer);
      return { exitCode: result.exitCode, signal: result.signal, stderr };
    })());
  return { url, stderr: () => stderr, stop };
}
