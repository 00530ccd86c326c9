import { readLimit } from "./read-options.js";

export interface Page {
  /** The cursor to read from (a position or a version, inclusive). */
  readonly from: bigint;
  readonly count: number;
}

/**
 * Where a paged read stands: the page to read next, and when to stop (the limit is reached, or a
 * page came back short). Stores that read synchronously and stores that await page alike:
 *
 *   for (let page = cursor.next(); page; page = cursor.next()) {
 *     const rows = read(page.from, page.count);
 *     for (const row of rows) yield decode(row);
 *     cursor.took(rows);
 *   }
 *
 * so a read holds one page at a time and reads the next only once the last is consumed.
 */
export class PageCursor<Row> {
  private remaining: number;
  private cursor: bigint;
  private count = 0;
  private done = false;

  constructor(
    start: bigint,
    limit: number | undefined,
    private readonly pageSize: number,
    /** The cursor after a row, in the direction of reading. */
    private readonly after: (last: Row) => bigint,
  ) {
    this.remaining = limit === undefined ? Number.POSITIVE_INFINITY : readLimit("limit", limit);
    this.cursor = start;
  }

  /** The next page to read, or undefined when the read is complete. */
  next(): Page | undefined {
    if (this.done || this.remaining <= 0) return undefined;
    this.count = Math.min(this.pageSize, this.remaining);
    return { from: this.cursor, count: this.count };
  }

  /** The rows the page returned by `next` held. */
  took(rows: readonly Row[]): void {
    const last = rows[rows.length - 1];
    if (last === undefined || rows.length < this.count) {
      this.done = true;
      return;
    }
    this.remaining -= rows.length;
    this.cursor = this.after(last);
  }
}
