import { createHash, type Hash } from "node:crypto";
import type Database from "better-sqlite3";
import type { AnyProjection } from "../../projections/projection.js";

export interface TableHash {
  readonly projection: string;
  readonly table: string;
  /** False when the table does not exist (the projection was never built here). */
  readonly exists: boolean;
  readonly rows: number;
  /** sha256, hex, of the table's columns and rows: equal hashes mean equal contents. */
  readonly sha256: string;
}

interface Column {
  readonly name: string;
  readonly type: string;
  /** 1-based position in the primary key, 0 when not part of it. */
  readonly pk: number;
}

const quote = (name: string) => `"${name.replaceAll('"', '""')}"`;

/**
 * Each value tagged with its SQLite storage class and, for text and blobs, its length, so no two
 * different rows serialise alike: NULL, INTEGER (read as bigint, never rounded), REAL, TEXT, BLOB.
 */
function feed(hash: Hash, value: unknown): void {
  if (value === null) hash.update("n;");
  else if (typeof value === "bigint") hash.update(`i${value};`);
  else if (typeof value === "number") hash.update(`r${Object.is(value, -0) ? "-0" : String(value)};`);
  else if (typeof value === "string") hash.update(`t${Buffer.byteLength(value)}:`).update(value);
  else if (value instanceof Uint8Array) hash.update(`b${value.length}:`).update(value);
  else throw new TypeError(`unexpected SQLite value ${String(value)}`);
}

/**
 * A content hash of one table: its column names and declared types, then every row, ordered by
 * the primary key when it has one (else by every column, in order), values serialised by
 * `feed`. Rowids are not part of it, so a table rebuilt from scratch hashes like one built
 * incrementally when their rows are the same.
 */
export function hashTable(db: Database.Database, table: string): { exists: boolean; rows: number; sha256: string } {
  const hash = createHash("sha256");
  const columns = db.prepare(`SELECT name, type, pk FROM pragma_table_info(?)`).all(table) as Column[];
  if (columns.length === 0) {
    hash.update(`absent ${table}`);
    return { exists: false, rows: 0, sha256: hash.digest("hex") };
  }
  hash.update(`table ${table.length}:${table} `);
  for (const column of columns) feed(hash.update("column "), `${column.name} ${column.type}`);
  const key = columns.filter((c) => c.pk > 0).sort((a, b) => a.pk - b.pk);
  const order = (key.length > 0 ? key : columns).map((c) => quote(c.name)).join(", ");
  const select = db
    .prepare(`SELECT ${columns.map((c) => quote(c.name)).join(", ")} FROM ${quote(table)} ORDER BY ${order}`)
    .raw(true)
    .safeIntegers(true);
  let rows = 0;
  for (const row of select.iterate() as Iterable<unknown[]>) {
    hash.update("row ");
    for (const value of row) feed(hash, value);
    rows++;
  }
  hash.update(`rows ${rows}`);
  return { exists: true, rows, sha256: hash.digest("hex") };
}

/** Hashes every table of the given projections, in their declared order. */
export function hashProjectionTables(db: Database.Database, projections: readonly AnyProjection[]): TableHash[] {
  return projections.flatMap((projection) =>
    projection.tables.map((table) => ({ projection: projection.name, table, ...hashTable(db, table) })),
  );
}

/** The tables whose hashes differ between two hashings of the same projections. */
export function differingTables(before: readonly TableHash[], after: readonly TableHash[]): string[] {
  const afterByTable = new Map(after.map((h) => [h.table, h.sha256]));
  const tables = new Set([...before.map((h) => h.table), ...after.map((h) => h.table)]);
  return [...tables].filter((table) => before.find((h) => h.table === table)?.sha256 !== afterByTable.get(table));
}
