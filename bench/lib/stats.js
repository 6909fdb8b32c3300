// Order statistics for timing samples: medians and percentiles, never means (a single
// descheduled run on a loaded 2-core machine would drag a mean anywhere).

/** Linear-interpolated percentile (p in 0..100) of a numeric sample. */
export function percentile(values, p) {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = (p / 100) * (sorted.length - 1);
  const lo = Math.floor(rank);
  const hi = Math.ceil(rank);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (rank - lo);
}

export const median = (values) => percentile(values, 50);

/** Median, p10 and p90 of a sample, plus its size. */
export function summarize(values) {
  return { n: values.length, median: median(values), p10: percentile(values, 10), p90: percentile(values, 90) };
}
