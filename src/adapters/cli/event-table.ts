import type { RecordedEvent } from "../../domain/envelope.js";
import { catalogue } from "../../domain/events/catalogue.js";

/** Without a terminal to measure, the data summary gets this many characters. */
export const DEFAULT_SUMMARY_WIDTH = 80;
const MIN_SUMMARY_WIDTH = 20;

const HEADERS = ["POSITION", "STREAM", "VERSION", "TYPE", "RECORDED AT", "DATA"] as const;
const RIGHT_ALIGNED = new Set([0, 2]);

// Control characters (escape sequences included) never reach the terminal raw.
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching them is the point
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/g;

function printable(text: string): string {
  return text.replace(CONTROL, "?");
}

function truncate(text: string, width: number): string {
  const chars = [...text];
  return chars.length <= width ? text : `${chars.slice(0, Math.max(0, width - 1)).join("")}…`;
}

const BARE = /^[A-Za-z0-9_.:~@+=\-/]+$/;

function summariseValue(value: unknown): string {
  if (typeof value === "string") return BARE.test(value) ? value : truncate(JSON.stringify(value), 40);
  if (Array.isArray(value)) return `[${value.length}]`;
  if (value !== null && typeof value === "object") {
    const keys = Object.keys(value);
    return keys.length === 0 ? "{}" : `{${truncate(keys.join(","), 30)}}`;
  }
  return String(value);
}

/** `key=value` pairs of the top-level fields: arrays as their length, objects as their keys. */
export function summariseData(data: unknown): string {
  if (data === null || typeof data !== "object" || Array.isArray(data)) return summariseValue(data);
  return Object.entries(data)
    .map(([key, value]) => `${key}=${summariseValue(value)}`)
    .join(" ");
}

/**
 * An aligned table that never holds the log: column widths come from the rows seen so far
 * (the caller may show it a first page before printing) and only ever grow.
 */
export class EventTable {
  // The type column starts as wide as the longest type the catalogue knows, so rows that
  // arrive later (--follow) rarely push it.
  private readonly widths: number[] = HEADERS.slice(0, 5).map((h, i) =>
    i === 3 ? Math.max(h.length, ...catalogue.types.map((t) => t.length)) : h.length,
  );

  /** `columns`: the terminal width, when there is a terminal. */
  constructor(private readonly columns?: number) {}

  /** Widens the columns to fit these events. */
  measure(events: readonly RecordedEvent[]): void {
    for (const event of events) this.fit(this.cells(event));
  }

  header(): string {
    return this.render([...HEADERS.slice(0, 5)], HEADERS[5]);
  }

  row(event: RecordedEvent): string {
    const cells = this.cells(event);
    this.fit(cells);
    return this.render(cells, printable(summariseData(event.data)));
  }

  private cells(event: RecordedEvent): string[] {
    return [
      String(event.position),
      printable(event.streamId),
      String(event.version),
      printable(event.type),
      printable(event.metadata.recordedAt),
    ];
  }

  private fit(cells: readonly string[]): void {
    cells.forEach((cell, i) => {
      this.widths[i] = Math.max(this.widths[i] ?? 0, cell.length);
    });
  }

  private render(cells: readonly string[], summary: string): string {
    const prefix = cells
      .map((cell, i) => {
        const width = this.widths[i] ?? cell.length;
        return RIGHT_ALIGNED.has(i) ? cell.padStart(width) : cell.padEnd(width);
      })
      .join("  ");
    const room =
      this.columns === undefined
        ? DEFAULT_SUMMARY_WIDTH
        : Math.max(MIN_SUMMARY_WIDTH, this.columns - prefix.length - 2 - 1);
    return `${prefix}  ${truncate(summary, room)}`.trimEnd();
  }
}
