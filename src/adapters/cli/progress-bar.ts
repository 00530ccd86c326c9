import type { Writable } from "node:stream";

/** How far a long fold has come. */
export interface ProgressPoint {
  /** Events read so far. */
  readonly events: number;
  /** Positions covered so far (of `total`). */
  readonly done: number;
  /** Positions this run covers. */
  readonly total: number;
}

export interface ProgressDisplay {
  update(point: ProgressPoint): void;
  /** Draws the last state (the bar's final form, or a last line) and returns the events and seconds. */
  finish(): { events: number; seconds: number };
}

export interface ProgressOptions {
  /** What is running, e.g. "rebuild workers". */
  readonly label: string;
  /** Redraw a bar in place (default: the stream is a terminal, as `tty.WriteStream.isTTY` says). */
  readonly tty?: boolean;
  /** Width of the terminal (default: the stream's `columns`, else 80). */
  readonly columns?: number;
  readonly now?: () => number;
  /** Least time between two redraws of the bar. */
  readonly redrawMs?: number;
  /** Most time between two plain lines (one is also printed at every 10%). */
  readonly lineEveryMs?: number;
}

const number = (n: number) => Math.round(n).toLocaleString("en-US");

export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) return "?";
  if (seconds < 1) return "<1s";
  const s = Math.round(seconds);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m ${String(s % 60).padStart(2, "0")}s`;
  return `${Math.floor(s / 3600)}h ${String(Math.floor((s % 3600) / 60)).padStart(2, "0")}m`;
}

/** Whether a stream is a terminal, the way Node marks `process.stderr` (tests pass a flagged Writable). */
export function isTerminal(stream: Writable): boolean {
  return (stream as Writable & { isTTY?: boolean }).isTTY === true;
}

/**
 * Progress of a long fold on `stream` (stderr): on a terminal, one bar redrawn in place at most
 * every `redrawMs` (events, events/s, ETA); elsewhere (a pipe, a CI log), a plain line at every
 * 10% and at least every `lineEveryMs`.
 */
export function progressDisplay(stream: Writable, options: ProgressOptions): ProgressDisplay {
  const now = options.now ?? (() => performance.now());
  const tty = options.tty ?? isTerminal(stream);
  const columns = options.columns || (stream as Writable & { columns?: number }).columns || 80;
  const redrawMs = options.redrawMs ?? 100;
  const lineEveryMs = options.lineEveryMs ?? 2000;
  const started = now();
  let last: ProgressPoint = { events: 0, done: 0, total: 0 };
  let lastDraw = Number.NEGATIVE_INFINITY;
  let lastLine = started;
  let lastTenth = 0;
  let drawn = false;

  const write = (text: string) => {
    if (!stream.destroyed && !stream.writableEnded) stream.write(text);
  };
  const figures = (point: ProgressPoint, at: number) => {
    const seconds = Math.max((at - started) / 1000, 1e-9);
    const rate = point.events / seconds;
    const perPosition = point.done / seconds;
    const eta = point.done >= point.total ? 0 : perPosition > 0 ? (point.total - point.done) / perPosition : Infinity;
    const percent = point.total > 0 ? Math.min(100, Math.floor((point.done / point.total) * 100)) : 100;
    return { seconds, rate, eta, percent };
  };
  const bar = (point: ProgressPoint, at: number) => {
    const { rate, eta, percent } = figures(point, at);
    const tail = ` ${String(percent).padStart(3)}% ${number(point.events)}/${number(point.total)} events ${number(rate)} ev/s ETA ${formatDuration(eta)}`;
    // Sized for the widest tail this run can print, so the bar keeps its width as figures change.
    const widest = ` 100% ${number(point.total)}/${number(point.total)} events 9,999,999 ev/s ETA 59m 59s`;
    const width = Math.max(10, Math.min(40, columns - options.label.length - widest.length - 4));
    const room = Math.max(8, columns - widest.length - width - 4);
    const label = options.label.length <= room ? options.label : `${options.label.slice(0, room - 1)}…`;
    const filled = point.total > 0 ? Math.round((Math.min(point.done, point.total) / point.total) * width) : width;
    const line = `${label} [${"#".repeat(filled)}${"-".repeat(width - filled)}]${tail}`;
    write(`\r\x1b[2K${line.slice(0, Math.max(1, columns - 1))}`);
    drawn = true;
  };
  const plainLine = (point: ProgressPoint, at: number) => {
    const { rate, eta, percent } = figures(point, at);
    write(
      `${options.label}: ${number(point.events)}/${number(point.total)} events (${percent}%), ${number(rate)} events/s, ETA ${formatDuration(eta)}\n`,
    );
  };

  return {
    update(point) {
      last = point;
      const at = now();
      if (tty) {
        if (at - lastDraw < redrawMs) return;
        lastDraw = at;
        bar(point, at);
        return;
      }
      const tenth = point.total > 0 ? Math.floor((point.done / point.total) * 10) : 10;
      if (tenth > lastTenth || at - lastLine >= lineEveryMs) {
        lastTenth = Math.max(lastTenth, tenth);
        lastLine = at;
        plainLine(point, at);
      }
    },
    finish() {
      const at = now();
      const { seconds } = figures(last, at);
      if (tty) {
        if (drawn || last.total > 0) {
          bar(last, at);
          write("\n");
        }
      } else if (lastTenth < 10 && last.total > 0) {
        plainLine(last, at);
      }
      return { events: last.events, seconds };
    },
  };
}
