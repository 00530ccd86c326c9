/** One measured figure, beside the baseline it is judged against (measured in the same run). */
export interface BenchRow {
  readonly name: string;
  readonly value: number;
  readonly unit: string;
  /** The same workload done the plain way, in the same unit; null when there is nothing to compare with. */
  readonly baseline: number | null;
  /** value / baseline: for rates higher is better; for times and sizes (the unit says "lower is better") lower is. */
  readonly ratio: number | null;
}

export function benchRow(name: string, value: number, unit: string, baseline: number | null): BenchRow {
  return {
    name,
    value: Math.round(value),
    unit,
    baseline: baseline === null ? null : Math.round(baseline),
    ratio: baseline === null || baseline === 0 ? null : Math.round((value / baseline) * 1000) / 1000,
  };
}
