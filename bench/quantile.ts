/**
 * The nearest-rank quantile of `values`: the smallest of them with at least `q` of them at or
 * below it. The p95 of 20 values is the 19th from the lowest, the median of 5 the 3rd; the p95
 * of fewer than 20 is the highest.
 */
export function quantile(values: readonly number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(0, Math.ceil(q * sorted.length) - 1)] ?? NaN;
}
