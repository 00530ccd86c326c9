import type { RecordedEvent } from "../../domain/envelope.js";
import { catalogue } from "../../domain/events/catalogue.js";
import { categoryOf } from "../../domain/stream-id.js";

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

/** SGR foreground colours for each stream category, so a followed log reads by who did what. */
const CATEGORY_COLOURS: Readonly<Record<string, number>> = {
  colony: 35, // magenta
  session: 34, // blue
  conversation: 36, // cyan
  worker: 33, // yellow
  task: 32, // green
  idempotency: 90, // grey
};
const RED = 31;
const DIM = 2;
/** Refusals and failures stand out whatever their stream. */
const ALARMING = /(Failed|Interrupted|Stopped|Released)$/;

function paint(text: string, sgr: number | undefined): string {
  return sgr === undefined ? text : `\u001b[${sgr}m${text}\u001b[0m`;
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

  /**
   * `columns`: the terminal width, when there is a terminal. `colour`: paint the stream and type
   * by category (ANSI), for a terminal only; widths are measured on the plain text.
   */
  constructor(
    private readonly columns?: number,
    private readonly colour = false,
  ) {}

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
    return this.render(cells, printable(summariseData(event.data)), this.colour ? this.paints(event) : undefined);
  }

  private paints(event: RecordedEvent): (number | undefined)[] {
    const category = CATEGORY_COLOURS[categoryOf(event.streamId)];
    return [DIM, category, DIM, ALARMING.test(event.type) ? RED : category, DIM];
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

  private render(cells: readonly string[], summary: string, paints?: readonly (number | undefined)[]): string {
    const padded = cells.map((cell, i) => {
      const width = this.widths[i] ?? cell.length;
      return RIGHT_ALIGNED.has(i) ? cell.padStart(width) : cell.padEnd(width);
    });
    const prefix = padded.join("  ");
    const room =
      this.columns === undefined
        ? DEFAULT_SUMMARY_WIDTH
        : Math.max(MIN_SUMMARY_WIDTH, this.columns - prefix.length - 2 - 1);
    const line = `${prefix}  ${truncate(summary, room)}`.trimEnd();
    if (paints === undefined) return line;
    // Painted after padding and cutting, so escape codes never count toward a width.
    const rest = line.slice(prefix.length);
    const last = padded.length - 1;
    // An empty summary leaves the line trimmed inside the last cell's padding: keep it trimmed.
    const shown = padded.map((cell, i) => (i === last && rest === "" ? cell.trimEnd() : cell));
    return `${shown.map((cell, i) => paint(cell, paints[i])).join("  ")}${rest}`;
  }
}
