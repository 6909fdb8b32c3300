// The agent's counters and their Prometheus text form. Counts only: no key name, value,
// token or project name ever becomes a label (docs/guide/fleet.md, "Metrics").
export interface Counters {
  hits: number;
  misses: number;
  coalesced: number;
  revalidations: number;
  notModified: number;
  upstreamRequests: number;
  upstreamErrors: number;
  staleServed: number;
  rateLimited: number;
  tokenDrops: number;
  invalidations: number;
}

export function newCounters(): Counters {
  return {
    hits: 0,
    misses: 0,
    coalesced: 0,
    revalidations: 0,
    notModified: 0,
    upstreamRequests: 0,
    upstreamErrors: 0,
    staleServed: 0,
    rateLimited: 0,
    tokenDrops: 0,
    invalidations: 0,
  };
}

const HELP: Record<keyof Counters, string> = {
  hits: "reads answered from the cache without asking upstream",
  misses: "reads that needed upstream (nothing cached, or older than --revalidate)",
  coalesced: "reads that joined an identical request of the same token already in flight",
  revalidations: "conditional upstream requests (If-None-Match) for a cached answer",
  notModified: "revalidations upstream answered 304",
  upstreamRequests: "requests sent upstream, reads and writes",
  upstreamErrors: "upstream requests that failed: network error, timeout or 5xx",
  staleServed: "reads answered from the cache after upstream failed (within --max-stale)",
  rateLimited: "429 answers from upstream",
  tokenDrops: "tokens whose entries were dropped after upstream answered 401 or 403",
  invalidations: "writes that dropped cached answers of their project",
};

const NAMES: Record<keyof Counters, string> = {
  hits: "secr_agent_cache_hits_total",
  misses: "secr_agent_cache_misses_total",
  coalesced: "secr_agent_coalesced_total",
  revalidations: "secr_agent_revalidations_total",
  notModified: "secr_agent_not_modified_total",
  upstreamRequests: "secr_agent_upstream_requests_total",
  upstreamErrors: "secr_agent_upstream_errors_total",
  staleServed: "secr_agent_stale_served_total",
  rateLimited: "secr_agent_upstream_429_total",
  tokenDrops: "secr_agent_token_drops_total",
  invalidations: "secr_agent_invalidations_total",
};

export interface Gauges {
  entries: number;
  bytes: number;
  maxBytes: number;
  backoffSeconds: number;
}

export function renderMetrics(counters: Counters, gauges: Gauges): string {
  const lines: string[] = [];
  for (const name of Object.keys(NAMES) as (keyof Counters)[]) {
    lines.push(
      `# HELP ${NAMES[name]} ${HELP[name]}`,
      `# TYPE ${NAMES[name]} counter`,
      `${NAMES[name]} ${counters[name]}`,
    );
  }
  const gauge = (name: string, help: string, value: number) =>
    lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} gauge`, `${name} ${value}`);
  gauge("secr_agent_cache_entries", "answers held in memory", gauges.entries);
  gauge("secr_agent_cache_bytes", "bytes the cache holds (bodies and bookkeeping)", gauges.bytes);
  gauge("secr_agent_cache_max_bytes", "the cache's bound (--cache-max-bytes)", gauges.maxBytes);
  gauge(
    "secr_agent_backoff_seconds",
    "seconds left before upstream may be asked again after a 429",
    gauges.backoffSeconds,
  );
  return `${lines.join("\n")}\n`;
}
