/** Text helpers shared by the inspect, diff and fork verbs: one line per fact, cut to a width. */

/** Without a terminal to measure, lines get this many characters. */
export const DEFAULT_WIDTH = 100;

// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters never reach the terminal raw
const CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/g;

/** Newlines shown as ⏎ and other control characters as ?, so a value stays on its line. */
export function oneLine(text: string): string {
  return text.replace(/\r?\n/g, "⏎").replace(CONTROL, "?");
}

/** At most `width` characters (code points), the cut marked with an ellipsis. */
export function cut(text: string, width: number): string {
  const chars = [...text];
  return chars.length <= width ? text : `${chars.slice(0, Math.max(0, width - 1)).join("")}…`;
}

export function plural(n: number, word: string, many = `${word}s`): string {
  return `${n} ${n === 1 ? word : many}`;
}

/** A value that may be missing, as people read it. */
export function orDash(value: string | number | null | undefined): string {
  return value === null || value === undefined || value === "" ? "-" : String(value);
}

export interface TableOptions {
  /** Columns padded on the left (numbers). */
  readonly right?: readonly number[];
  /** The whole line's width: the last column is cut to fit it. */
  readonly width: number;
  /** Text before every line. */
  readonly indent?: string;
}

/** An aligned table, header first, every line at most `width` long. */
export function table(
  header: readonly string[],
  rows: readonly (readonly string[])[],
  options: TableOptions,
): string[] {
  const indent = options.indent ?? "  ";
  const right = new Set(options.right ?? []);
  const all = [header, ...rows.map((row) => row.map(oneLine))];
  const last = header.length - 1;
  const widths = header.map((_, i) => Math.max(...all.map((r) => [...(r[i] ?? "")].length)));
  return all.map((row) => {
    const prefix = row
      .slice(0, last)
      .map((cell, i) => (right.has(i) ? cell.padStart(widths[i] ?? 0) : cell.padEnd(widths[i] ?? 0)))
      .join("  ");
    const start = `${indent}${prefix}${last > 0 ? "  " : ""}`;
    // The last column takes what the others leave; on a terminal too narrow even for them, the
    // line is cut like any other.
    const line = `${start}${cut(row[last] ?? "", Math.max(10, options.width - [...start].length))}`;
    return cut(line, options.width).trimEnd();
  });
}

/** `label  value` lines with the labels aligned, each cut to the width. */
export function fields(entries: readonly (readonly [string, string])[], width: number, indent = "  "): string[] {
  const labelWidth = Math.max(0, ...entries.map(([label]) => label.length));
  return entries.map(([label, value]) => cut(`${indent}${label.padEnd(labelWidth)}  ${oneLine(value)}`, width));
}
