// `node bench/where.js <file.cpuprofile>...`: self time of a `--cpu-prof` profile of secr-run,
// grouped by where the code comes from (the table "Where the milliseconds go" in BENCHMARKS.md).
// Code in dist/bundle/run.cjs is attributed to the source file esbuild names in the comment (or
// module wrapper) above it, which only a readable build keeps: `node scripts/build.js --readable`
// first (the default build is minified). Several profiles give the median per group.
import { readFileSync } from "node:fs";

const sections = new Map(); // bundle file -> sorted [line, group]
function sectionsOf(url) {
  if (!sections.has(url)) {
    const found = [];
    try {
      const lines = readFileSync(new URL(url), "utf8").split("\n");
      lines.forEach((text, i) => {
        const m = /^\s*(?:\/\/ |")((?:node_modules|src)\/[^\s"]+)/.exec(text);
        if (m) found.push([i, m[1]]);
      });
    } catch {
      // not a file we can read
    }
    sections.set(url, found);
  }
  return sections.get(url);
}

function group(frame) {
  const { url, functionName, lineNumber } = frame.callFrame;
  if (!url) return functionName.startsWith("(") ? functionName : "(native/V8 builtins)";
  if (url.startsWith("node:")) return "Node built-ins (JS)";
  if (!url.includes("/dist/bundle/") && !url.includes("/bin/secr-run.js")) return "other";
  if (url.endsWith("/bin/secr-run.js")) return "src/cli (main.js, chunks)";
  if (!url.endsWith("run.cjs")) return "src/cli (main.js, chunks)";
  let path = "run.cjs (glue)";
  for (const [line, p] of sectionsOf(url)) {
    if (line > lineNumber) break;
    path = p;
  }
  const m = /^node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(path);
  if (m) return `${m[1]}`;
  return path.split("/").slice(0, 2).join("/");
}

const perFile = process.argv.slice(2).map((file) => {
  const profile = JSON.parse(readFileSync(file, "utf8"));
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const totals = new Map();
  for (let i = 0; i < profile.samples.length; i++) {
    const node = byId.get(profile.samples[i]);
    const g = group(node);
    totals.set(g, (totals.get(g) ?? 0) + profile.timeDeltas[i] / 1000);
  }
  return totals;
});
const groups = new Set(perFile.flatMap((t) => [...t.keys()]));
const median = (xs) => xs.sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)];
const rows = [...groups].map((g) => [g, median(perFile.map((t) => t.get(g) ?? 0))]).sort((a, b) => b[1] - a[1]);
for (const [g, ms] of rows) console.log(`| ${g} | ${ms.toFixed(1)} |`);
