// Renders the results as the markdown that goes to BENCHMARKS.md and stdout.

const ms = (v) => (Number.isFinite(v) ? (v >= 100 ? v.toFixed(0) : v.toFixed(1)) : "–");
const mib = (kib) => (Number.isFinite(kib) ? (kib / 1024).toFixed(1) : "–");
const spread = (s, fmt) => `${fmt(s.p10)}–${fmt(s.p90)}`;
const signed = (v) => (Number.isFinite(v) ? `${v >= 0 ? "+" : ""}${ms(v)}` : "–");
const unavailable = (error) => `unavailable: ${String(error).replaceAll("|", "\\|").slice(0, 160)}`;

function table(header, rows) {
  return [
    `| ${header.join(" | ")} |`,
    `|${header.map(() => "---").join("|")}|`,
    ...rows.map((r) => `| ${r.join(" | ")} |`),
  ].join("\n");
}

function ratio(value, floor) {
  return floor ? `${(value / floor).toFixed(2)}×` : "–";
}

export function renderReport(r) {
  const m = r.machine;
  const out = [];
  out.push("Produced by `npm run bench` (`bench/run.js`): every command runs side by side in one run, alternating");
  out.push(
    "round-robin (warm-up rounds discarded); medians with p10–p90 spread. secr-run pulls from `secr-run serve` on",
  );
  out.push("127.0.0.1 (started once, outside the timings); the peers read the same values from a local `.env`.");
  out.push("Wall time is measured around each whole process (spawn to exit); peak RSS is GNU time's `%M`");
  out.push("(the largest process of the tree).");
  out.push("");
  out.push(
    table(
      ["Machine", ""],
      [
        ["CPU", `${m.cpu}, ${m.cores} cores`],
        ["Memory", `${m.memoryGiB.toFixed(1)} GiB`],
        ["OS", m.os],
        ["Node", m.node],
        ["Date", m.date],
        ["Load average (1 min) at start / end", `${r.loadAtStart.toFixed(2)} / ${r.loadAtEnd.toFixed(2)}`],
        ["secr-run", `commit ${r.revision}, built by \`npm run bench\``],
        [
          "Peers",
          Object.entries(r.peers)
            .map(([k, v]) => `${k} ${v}`)
            .join(", "),
        ],
        ["Mode", r.quick ? "`--quick` (few iterations: indicative only)" : "full"],
      ],
    ),
  );

  // node -e 0 of section 1: every ratio below is to it, measured in the same run.
  const floor = r.startup?.find((row) => row.name === "node -e 0" && !row.error);
  if (r.startup) {
    out.push("", "## 1. Startup with 50 secrets", "");
    out.push("Overhead = median of per-round differences against `node -e 0` (same round, same machine state).");
    out.push(
      "CPU = user + sys time of the whole process tree (all threads), from the kernel's rusage: it varies far less than wall time on a busy machine.",
      "",
    );
    out.push(
      table(
        [
          "Command",
          "Wall ms (median)",
          "× node -e 0",
          "p10–p90",
          "Wall overhead vs node -e 0",
          "CPU ms (median)",
          "CPU × node -e 0",
          "CPU overhead",
          "Peak RSS MiB",
          "RSS × node -e 0",
          "Runs",
        ],
        r.startup.map((row) =>
          row.error
            ? [`\`${row.cmd}\``, unavailable(row.error), "", "", "", "", "", "", "", "", ""]
            : [
                `\`${row.cmd}\``,
                ms(row.ms.median),
                ratio(row.ms.median, floor?.ms.median),
                spread(row.ms, ms),
                row.overhead ? `${signed(row.overhead.median)} (${spread(row.overhead, signed)})` : "floor",
                row.cpu ? ms(row.cpu.median) : "–",
                row.cpu ? ratio(row.cpu.median, floor?.cpu?.median) : "–",
                row.cpuOverhead ? signed(row.cpuOverhead.median) : row.overhead ? "–" : "floor",
                mib(row.rss.median),
                ratio(row.rss.median, floor?.rss.median),
                String(row.ms.n),
              ],
        ),
      ),
    );
  }

  if (r.lines) {
    out.push("", "## 1b. Node lines side by side", "");
    out.push(
      "Each installed Node line (`.ci/node-line.sh`), its `node` first on PATH for every command (secr-run's bin and the peers run on it),",
    );
    out.push(
      "with `NODE_EXTRA_CA_CERTS` as this machine sets it and unset. 50 secrets; ratios of wall medians to `node -e 0` of the same line and rounds.",
    );
    out.push("RSS: VmRSS of secr-run itself 0.5 s after its child `sleep` started (median of the samples).", "");
    out.push(
      table(
        [
          "Node",
          "NODE_EXTRA_CA_CERTS",
          "node -e 0 ms",
          "secr-run --env bench -- true",
          "secr-run --version",
          "env-cmd",
          "dotenv-cli",
          "dotenvx run",
          "secr-run RSS MiB",
          "Rounds",
        ],
        r.lines.map((row) => {
          const floorRow = row.commands["node -e 0"];
          const cell = (key) => {
            const c = row.commands[key];
            if (!c || c.error) return c?.error ? unavailable(c.error) : "–";
            return ratio(c.ms.median, floorRow?.ms?.median);
          };
          return [
            row.version,
            row.caCerts ? "set" : "unset",
            floorRow?.ms ? ms(floorRow.ms.median) : "–",
            cell("secr-run"),
            cell("secr-run --version"),
            cell("env-cmd"),
            cell("dotenv-cli"),
            cell("dotenvx"),
            row.rss ? mib(row.rss.median) : row.rssError ? unavailable(row.rssError) : "–",
            String(floorRow?.ms?.n ?? "–"),
          ];
        }),
      ),
    );
  }

  if (r.scale) {
    out.push("", "## 2. Scale", "");
    out.push(
      "`<launcher> ... -- true` with N secrets. Requests: HTTP requests one secr-run start makes (counted by a proxy in an untimed run); the peers read a file. × node -e 0: to the median of section 1.",
      "",
    );
    out.push(
      table(
        [
          "Secrets",
          "Launcher",
          "Wall ms (median)",
          "× node -e 0",
          "p10–p90",
          "CPU ms (median)",
          "Peak RSS MiB",
          "Requests",
          "Runs",
        ],
        r.scale.map((row) =>
          row.error
            ? [row.n.toLocaleString("en-US"), row.name, unavailable(row.error), "", "", "", "", "", ""]
            : [
                row.n.toLocaleString("en-US"),
                row.name,
                ms(row.ms.median),
                ratio(row.ms.median, floor?.ms.median),
                spread(row.ms, ms),
                row.cpu ? ms(row.cpu.median) : "–",
                mib(row.rss.median),
                row.requests === undefined ? "–" : String(row.requests),
                row.note ?? String(row.ms.n),
              ],
        ),
      ),
    );
  }

  if (r.latency) {
    out.push("", "## 2b. Latency: 40 ms round-trip time on every request", "");
    out.push(
      "`secr-run --env bench -- true` through a TCP proxy (`bench/lib/delay-proxy.js`) that holds a new connection's bytes one RTT (the handshake) and every chunk half an RTT each way, alternating with `node -e 0`. In RTTs: (secr-run − node -e 0) / RTT, CPU included.",
      "",
    );
    out.push(
      table(
        [
          "Secrets",
          "RTT ms",
          "Wall ms (median)",
          "node -e 0 ms",
          "× node -e 0",
          "Overhead ms (p10–p90)",
          "In RTTs",
          "CPU ms (median)",
          "Runs",
        ],
        r.latency.map((row) =>
          row.error
            ? [row.n.toLocaleString("en-US"), String(row.rttMs), unavailable(row.error), "", "", "", "", "", ""]
            : [
                row.n.toLocaleString("en-US"),
                String(row.rttMs),
                ms(row.ms.median),
                ms(row.floor.median),
                ratio(row.ms.median, row.floor.median),
                `${signed(row.overhead.median)} (${spread(row.overhead, signed)})`,
                (row.overhead.median / row.rttMs).toFixed(1),
                row.cpu ? ms(row.cpu.median) : "–",
                String(row.ms.n),
              ],
        ),
      ),
    );
  }

  if (r.resident) {
    out.push("", "## 3. Resident memory while the child sleeps", "");
    out.push(
      "VmRSS of the launcher's own process (not the child's), from `/proc/<pid>/status`: 0.5 s after its child `sleep` started, and again at 12 s, once V8's memory reducer has run (what it costs while a long-lived child runs). VmHWM: its peak.",
      "",
    );
    out.push(
      table(
        [
          "Secrets",
          "Launcher",
          "VmRSS MiB at 0.5 s (median)",
          "p10–p90",
          "VmRSS MiB at 12 s (median)",
          "VmHWM MiB (median)",
          "Samples",
        ],
        r.resident.map((row) =>
          row.error
            ? [row.n.toLocaleString("en-US"), row.name, unavailable(row.error), "", "", "", ""]
            : [
                row.n.toLocaleString("en-US"),
                row.name,
                mib(row.rss.median),
                spread(row.rss, mib),
                mib(row.steady.median),
                mib(row.hwm.median),
                String(row.rss.n),
              ],
        ),
      ),
    );
  }

  if (r.signal) {
    out.push("", "## 4. Signal latency", "");
    out.push(
      "SIGTERM sent to the launcher until the child's handler runs (both timestamps from CLOCK_MONOTONIC); a fresh process per sample.",
      "",
    );
    out.push(
      table(
        ["Launcher", "Median ms", "p10–p90 ms", "Samples"],
        r.signal.map((row) =>
          row.error
            ? [row.name, unavailable(row.error), "", ""]
            : [
                row.name,
                ms(row.ms.median),
                spread(row.ms, ms),
                `${row.ms.n}${row.failures ? ` (${row.failures} missed)` : ""}`,
              ],
        ),
      ),
    );
  }

  if (r.server) {
    out.push("", "## 5. Local server: 1,000-secret pulls, 16 concurrent clients", "");
    const s = r.server.summary;
    if (r.server.error) out.push(unavailable(r.server.error));
    else if (s && Number.isFinite(s.pullsPerSecond)) {
      out.push("From `bench/server-load.js` (its own server, keep-alive clients on loopback):", "");
      out.push(
        table(
          ["Secrets per pull", "Clients", "Pulls/s", "p50 ms", "p99 ms", "Pulls", "Response KiB"],
          [
            [
              String(s.secrets),
              String(s.clients),
              String(Math.round(s.pullsPerSecond)),
              ms(s.p50ms),
              ms(s.p99ms),
              String(s.pulls),
              (s.responseBytes / 1024).toFixed(0),
            ],
          ],
        ),
      );
    } else out.push(["`bench/server-load.js`:", "", "```", r.server.output, "```"].join("\n"));
  }
  if (r.store) {
    out.push("", "## 5b. Local store: one-key PUT", "");
    if (r.store.error) out.push(unavailable(r.store.error));
    else {
      out.push(
        "From `bench/store-put.js`: sequential one-key PUTs (values ~100 bytes) on one keep-alive connection, each acknowledged after its journal append is fdatasync-ed; RSS read after the PUTs, then again after a restart on the same data (loaded from the data file, 20 PUTs). fdatasync time depends on the disk and on what else the machine writes.",
        "",
      );
      out.push(
        table(
          [
            "Secrets",
            "PUTs",
            "p50 ms",
            "p99 ms",
            "Server RSS MiB (seeded / restarted)",
            "Plaintext MiB",
            "RSS / plaintext (restarted)",
          ],
          r.store.rows.map((row) => [
            String(row.secrets),
            String(row.puts),
            ms(row.p50ms),
            ms(row.p99ms),
            `${row.rssMiB.toFixed(0)} / ${row.rssRestartMiB.toFixed(0)}`,
            row.plaintextMiB.toFixed(1),
            (row.rssRestartMiB / row.plaintextMiB).toFixed(1),
          ]),
        ),
      );
    }
  }
  if (r.mask) {
    out.push("", "## 6. Masking (`--mask`): redactor throughput and added latency", "");
    if (r.mask.error) out.push(unavailable(r.mask.error));
    else {
      out.push(
        `\`bench/mask.js\`: ${r.mask.mib} MiB of output in ${r.mask.chunkBytes / 1024} KiB chunks through the redactor (src/mask), ${r.mask.rounds} rounds; values of 16–64 characters, each with its base64/URL/JSON forms as patterns. "Log lines": ordinary output with a value every 200 lines; "base64 text": random base64, the patterns' own alphabet. MB/s per CPU second counts only this process's user + sys time. Build: patterns and automaton, once per run.`,
        "",
      );
      const mbs = (v) => (Number.isFinite(v) ? v.toFixed(0) : "–");
      out.push(
        table(
          ["Secrets", "Patterns", "Output", "MB/s wall (median)", "p10–p90", "MB/s per CPU second", "Build ms"],
          r.mask.throughput.map((row) => [
            row.secrets.toLocaleString("en-US"),
            row.patterns.toLocaleString("en-US"),
            row.workload,
            mbs(row.mbps.median),
            spread(row.mbps, mbs),
            mbs(row.cpuMbps.median),
            ms(row.buildMs.median),
          ]),
        ),
      );
      const l = r.mask.latency;
      const us = (v) => v.toFixed(1);
      out.push(
        "",
        `Added latency of a 100-byte line (write until it comes out, 50 secrets): ${us(l.maskedUs.median)} µs (p90 ${us(l.maskedUs.p90)}) through the redactor against ${us(l.passThroughUs.median)} µs (p90 ${us(l.passThroughUs.p90)}) through a PassThrough. Bytes that may begin a value wait for the next write, or at most the ${l.idleFlushMs} ms idle flush.`,
      );
    }
  }
  if (r.share) {
    out.push("", `## 7. One fetch for many runs: ${r.share.runs ?? 20} secr-runs of one target started at once`, "");
    if (r.share.error) out.push(unavailable(r.share.error));
    else {
      out.push(
        "Each batch starts with an empty cache directory; requests (one pull and one validation per fetch) counted by a proxy in front of the server; wall time from the first start to the last exit. By default a run shares only a fetch that began after it was launched (goal: at most 3 pulls per batch); `--share-window` also reuses older ones.",
        "",
      );
      out.push(
        table(
          ["Mode", "Requests per batch", "Median batch ms", "p10–p90 ms", "Batches"],
          r.share.rows.map((row) => [
            row.name,
            row.requests.join(", "),
            ms(row.ms.median),
            spread(row.ms, ms),
            String(row.ms.n),
          ]),
        ),
      );
    }
  }
  if (r.watch) {
    out.push("", "## 8. `--watch`: the cost of one idle poll at 1,000 secrets", "");
    if (r.watch.error) out.push(unavailable(r.watch.error));
    else {
      const w = r.watch;
      out.push(
        `\`bench/watch.js\`: secr-run with a child sleeping ${w.seconds} s, with \`--watch --watch-interval 1s\` and without, ${w.rounds} rounds, through a TCP proxy counting bytes both ways. CPU: secr-run's own user + sys between the first and the last idle poll (Linux /proc, ${w.tickMs} ms ticks), minus the same run's without --watch over as long, per poll; loading the client and opening the connection before the first poll (once per run) is not included. Every poll here is a 304 (nothing changed).`,
        "",
      );
      out.push(
        table(
          ["Secrets", "CPU ms per poll (median)", "p10–p90", "Bytes per poll (both ways)"],
          [
            [
              w.secrets.toLocaleString("en-US"),
              w.cpuMsPerPoll.median.toFixed(2),
              spread(w.cpuMsPerPoll, (v) => v.toFixed(2)),
              String(Math.round(w.bytesPerPoll.median)),
            ],
          ],
        ),
      );
    }
  }
  out.push("");
  return `${out.join("\n")}\n`;
}
