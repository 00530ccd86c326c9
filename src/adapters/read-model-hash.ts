import { createHash, type Hash } from "node:crypto";

export interface TableHash {
  readonly projection: string;
  readonly table: string;
  /** False when the table does not exist (the projection was never built here). */
  readonly exists: boolean;
  readonly rows: number;
  /** sha256, hex, of the table's columns and rows: equal hashes mean equal contents. */
  readonly sha256: string;
}

export type TableDigest = Omit<TableHash, "projection" | "table">;

/**
 * Each value tagged with its kind and, for text and bytes, its length, so no two different rows
 * serialise alike: NULL, integer (read as bigint, never rounded), float, text, bytes.
 */
function feed(hash: Hash, value: unknown): void {
  if (value === null) hash.update("n;");
  else if (typeof value === "bigint") hash.update(`i${value};`);
  else if (typeof value === "number") hash.update(`r${Object.is(value, -0) ? "-0" : String(value)};`);
  else if (typeof value === "string") hash.update(`t${Buffer.byteLength(value)}:`).update(value);
  else if (value instanceof Uint8Array) hash.update(`b${value.length}:`).update(value);
  else throw new TypeError(`unexpected column value ${String(value)}`);
}

/**
 * A content hash of one table, fed by the engine's adapter: the column names and declared types,
 * then every row in key order, values as `feed` tags them. What a hash covers is the same on
 * every engine; hashes are compared within one engine (declared types differ between them).
 */
export class TableHasher {
  private readonly hash = createHash("sha256");
  private rows = 0;

  constructor(table: string, columns: readonly { readonly name: string; readonly type: string }[]) {
    this.hash.update(`table ${table.length}:${table} `);
    for (const column of columns) feed(this.hash.update("column "), `${column.name} ${column.type}`);
  }

  row(values: readonly unknown[]): void {
    this.hash.update("row ");
    for (const value of values) feed(this.hash, value);
    this.rows++;
  }

  digest(): TableDigest {
    this.hash.update(`rows ${this.rows}`);
    return { exists: true, rows: this.rows, sha256: this.hash.digest("hex") };
  }
}

/** The hash of a table that is not there. */
export function absentTable(table: string): TableDigest {
  return { exists: false, rows: 0, sha256: createHash("sha256").update(`absent ${table}`).digest("hex") };
}

/** The tables whose hashes differ between two hashings of the same projections. */
export function differingTables(before: readonly TableHash[], after: readonly TableHash[]): string[] {
  const afterByTable = new Map(after.map((h) => [h.table, h.sha256]));
  const tables = new Set([...before.map((h) => h.table), ...after.map((h) => h.table)]);
  return [...tables].filter((table) => before.find((h) => h.table === table)?.sha256 !== afterByTable.get(table));
}
