// `secr-run serve`: the local secr-compatible server. Its --token and --quiet are its own (the
// admin token, the access log), so it takes none of the global options but --help and --version.
import { defineCommand } from "../../define/command.js";
import { Option } from "../../define/option.js";
import { OUTPUT_OPTIONS } from "../../options/globals.js";

export const DEFAULT_SERVE_PORT = "4317";

const TLS = "TLS";
const AGENT = "Caching agent (--upstream)";

export const serveCommand = defineCommand({
  path: ["serve"],
  summary: "a local secr-compatible API server (development, demos, tests), or a caching agent of secr (--upstream)",
  description:
    'A local secr-compatible API server for offline development, demos and tests. Prints one line {"url":"http://127.0.0.1:PORT"} ' +
    "on stdout once listening; everything else goes to stderr. " +
    "With --upstream URL it is instead a caching agent of that secr for the pods of a node: per-token cache, one upstream request per identical request (docs/guide/fleet.md).",
  options: {
    host: Option.String("--host", "127.0.0.1", { hint: "ADDRESS", description: "address to listen on" }),
    port: Option.String("--port", DEFAULT_SERVE_PORT, { hint: "PORT", description: "port (0 picks a free one)" }),
    data: Option.String("--data", {
      hint: "DIR",
      defaultText: "$XDG_DATA_HOME/secr-run/server",
      description: "data directory",
    }),
    keyFile: Option.String("--key-file", {
      hint: "FILE",
      defaultText: "<data>/key",
      description: "key file (base64 of 32 bytes; created 0600 if missing)",
    }),
    token: Option.String("--token", {
      hint: "TOKEN",
      env: "SECR_SERVE_TOKEN",
      description: "admin token accepted for this run; prefer SECR_SERVE_TOKEN (argv is visible in ps)",
    }),
    seed: Option.String("--seed", {
      hint: "FILE",
      description: "seed JSON file applied on start (adds only what is missing)",
    }),
    rateLimit: Option.String("--rate-limit", { hint: "N", description: "requests per second per token (429 beyond)" }),
    quiet: Option.Boolean("--quiet", false, { description: "no access log" }),
    detach: Option.Boolean("--detach", false, {
      description:
        "start in the background, return once it listens, print SECR_API_URL and SECR_TOKEN as shell assignments (for eval)",
    }),
    stop: Option.Boolean("--stop", false, {
      description: "stop the server running on the data directory (--data) and return once it has exited",
    }),
    tlsCert: Option.String("--tls-cert", {
      group: TLS,
      hint: "FILE",
      description: "serve HTTPS with this PEM certificate (chain); needs --tls-key",
    }),
    tlsKey: Option.String("--tls-key", { group: TLS, hint: "FILE", description: "the PEM private key of --tls-cert" }),
    insecureListen: Option.Boolean("--insecure-listen", false, {
      group: TLS,
      description: "allow plain HTTP on a non-loopback --host (tokens and values cross the network unencrypted)",
    }),
    upstream: Option.String("--upstream", {
      group: AGENT,
      hint: "URL",
      env: "SECR_UPSTREAM",
      description: "be a caching agent of this secr (https://) instead of a server with its own data",
    }),
    revalidate: Option.String("--revalidate", {
      group: AGENT,
      hint: "DURATION",
      defaultText: "30s",
      description:
        "answer a repeat from memory this long, then ask upstream (If-None-Match): the bound on seeing a change or a revocation",
    }),
    maxStale: Option.String("--max-stale", {
      group: AGENT,
      hint: "DURATION",
      defaultText: "1h",
      description: "when upstream fails, serve a cached answer (marked stale) up to this old; 0 = never",
    }),
    cacheMaxBytes: Option.String("--cache-max-bytes", {
      group: AGENT,
      hint: "N",
      defaultText: "64MiB",
      description: "memory bound of the cache (e.g. 64MiB, 512KiB); least recently used out first",
    }),
    caFile: Option.String("--ca-file", {
      group: AGENT,
      hint: "FILE",
      env: "SECR_CA_FILE",
      description: "PEM CA certificates to trust for upstream, besides the system's",
    }),
    help: OUTPUT_OPTIONS.help,
    version: OUTPUT_OPTIONS.version,
  },
  examples: [
    ["secr-run serve --port 0 --seed examples/seed.json", "a throwaway server with demo data on a free port"],
    [
      "SECR_SERVE_TOKEN=dev secr-run serve --data ./.secr-data",
      "keep the data in the project, with a chosen admin token",
    ],
    [
      'eval "$(secr-run serve --detach --port 0)"',
      "in the background; this shell gets SECR_API_URL and an admin SECR_TOKEN",
    ],
    ["secr-run serve --stop", "stop the server started with --detach"],
    [
      "secr-run serve --upstream https://api.secr.dev --host 0.0.0.0 --tls-cert node.crt --tls-key node.key",
      "a per-node caching agent for a fleet (docs/guide/fleet.md)",
    ],
  ],
  notes: [
    "Environment: SECR_SERVE_TOKEN (admin token), SECR_SERVE_KEY (base64 data key), SECR_UPSTREAM (--upstream), SECR_CA_FILE (--ca-file).",
    "In the foreground the server stops when the process that started it exits (npx, a script), as that process may not pass its signals on.",
  ],
  exitCodes: [
    [0, "stopped after SIGTERM/SIGINT/SIGHUP (a second signal exits 130 at once)"],
    [64, "usage error, or a non-loopback --host without TLS (add --tls-cert/--tls-key, or --insecure-listen)"],
    [65, "data file corrupt, tampered with, or under another key"],
    [69, "cannot listen, or the data directory is in use"],
    [78, "key, seed, TLS or CA file problem, or an unusable --upstream URL"],
  ],
});
