import type Database from "better-sqlite3";
import type { AnyProjection } from "../../projections/projection.js";
import { absentTable, type TableDigest, type TableHash, TableHasher } from "../read-model-hash.js";

export { differingTables, type TableHash } from "../read-model-hash.js";

interface Column {
  readonly name: string;
  readonly type: string;
  /** 1-based position in the primary key, 0 when not part of it. */
  readonly pk: number;
}

const quote = (name: string) => `"${name.replaceAll('"', '""')}"`;

/**
 * A content hash of one table (read-model-hash.ts): its column names and declared types, then
 * every row, ordered by the primary key when it has one (else by every column, in order), each
 * value by its SQLite storage class, integers read as bigint. Rowids are not part of it, so a
 * table rebuilt from scratch hashes like one built incrementally when their rows are the same.
 */
export function hashTable(db: Database.Database, table: string): TableDigest {
  const columns = db.prepare(`SELECT name, type, pk FROM pragma_table_info(?)`).all(table) as Column[];
  if (columns.length === 0) return absentTable(table);
  const hasher = new TableHasher(table, columns);
  const key = columns.filter((c) => c.pk > 0).sort((a, b) => a.pk - b.pk);
  const order = (key.length > 0 ? key : columns).map((c) => quote(c.name)).join(", ");
  const select = db
    .prepare(`SELECT ${columns.map((c) => quote(c.name)).join(", ")} FROM ${quote(table)} ORDER BY ${order}`)
    .raw(true)
    .safeIntegers(true);
  for (const row of select.iterate() as Iterable<unknown[]>) hasher.row(row);
  return hasher.digest();
}

/** Hashes every table of the given projections, in their declared order. */
export function hashProjectionTables(db: Database.Database, projections: readonly AnyProjection[]): TableHash[] {
  return projections.flatMap((projection) =>
    projection.tables.map((table) => ({ projection: projection.name, table, ...hashTable(db, table) })),
  );
}
