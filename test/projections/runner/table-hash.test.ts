import Database from "better-sqlite3";
import { afterEach, describe, expect, it } from "vitest";
import { differingTables, hashTable } from "../../../src/adapters/sqlite/table-hash.js";

const open: Database.Database[] = [];
afterEach(() => {
  for (const db of open.splice(0)) db.close();
});

function table(ddl: string, rows: unknown[][]): Database.Database {
  const db = new Database(":memory:");
  open.push(db);
  db.exec(ddl);
  const insert = db.prepare(`INSERT INTO t VALUES (${rows[0]?.map(() => "?").join(", ") ?? ""})`);
  for (const row of rows) insert.run(...row);
  return db;
}

const keyed = "CREATE TABLE t (id TEXT PRIMARY KEY, n INTEGER, x)";
const unkeyed = "CREATE TABLE t (a, b)";

describe("table hash", () => {
  it("depends on the rows, not on the order they were written in (with or without a primary key)", () => {
    const rows = [
      ["b", 2, "two"],
      ["a", 1, null],
      ["c", 3, 1.5],
    ];
    expect(hashTable(table(keyed, rows), "t")).toEqual(hashTable(table(keyed, [...rows].reverse()), "t"));
    const pairs = [
      [1, "x"],
      [1, "x"],
      [null, 2],
    ];
    expect(hashTable(table(unkeyed, pairs), "t")).toEqual(hashTable(table(unkeyed, [...pairs].reverse()), "t"));
    expect(hashTable(table(keyed, rows), "t").rows).toBe(3);
  });

  it("tells apart values that print alike: 1, '1', 1.5, NULL, '', and text split differently", () => {
    const hashOf = (x: unknown, y: unknown = "") => hashTable(table(unkeyed, [[x, y]]), "t").sha256;
    const hashes = [
      hashOf(1),
      hashOf("1"),
      hashOf(1.5),
      hashOf(null),
      hashOf(""),
      hashOf("ab", "c"),
      hashOf("a", "bc"),
    ];
    expect(new Set(hashes).size).toBe(hashes.length);
    expect(hashOf(2 ** 53 + 2)).not.toBe(hashOf(2 ** 53));
  });

  it("marks an absent table, and names the tables that differ", () => {
    const db = table(keyed, [["a", 1, null]]);
    expect(hashTable(db, "missing")).toMatchObject({ exists: false, rows: 0 });
    const before = [{ projection: "p", table: "t", exists: true, rows: 1, sha256: hashTable(db, "t").sha256 }];
    db.prepare("UPDATE t SET n = 2").run();
    const after = [{ projection: "p", table: "t", exists: true, rows: 1, sha256: hashTable(db, "t").sha256 }];
    expect(differingTables(before, before)).toEqual([]);
    expect(differingTables(before, after)).toEqual(["t"]);
  });
});
