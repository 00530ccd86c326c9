import type { BenchRow } from "./row.js";

/** The machine-readable result: one JSON object, nothing else. */
export function jsonReport(suite: string, rows: readonly BenchRow[]): string {
  return JSON.stringify({ suite, rows });
}

const integer = new Intl.NumberFormat("en-US", { maximumFractionDigits: 0 });

/** The readable result: an aligned table, numbers right-aligned. */
export function tableReport(suite: string, rows: readonly BenchRow[]): string {
  const header = ["benchmark", "value", "unit", "baseline", "ratio"];
  const body = rows.map((row) => [
    row.name,
    integer.format(row.value),
    row.unit,
    row.baseline === null ? "-" : integer.format(row.baseline),
    row.ratio === null ? "-" : row.ratio.toFixed(2),
  ]);
  const widths = header.map((title, i) => Math.max(title.length, ...body.map((cells) => (cells[i] ?? "").length)));
  const rightAligned = new Set([1, 3, 4]);
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, i) => (rightAligned.has(i) ? cell.padStart(widths[i] ?? 0) : cell.padEnd(widths[i] ?? 0)))
      .join("  ")
      .trimEnd();
  const rule = widths.map((w) => "-".repeat(w)).join("  ");
  return [`suite: ${suite}`, line(header), rule, ...body.map(line)].join("\n");
}
