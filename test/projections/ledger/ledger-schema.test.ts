import Database from "better-sqlite3";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ledgerProjection } from "../../../src/projections/ledger/ledger-projection.js";
import { colonyDatabases } from "../../support/colony-database.js";
import { ORIGINAL_SCHEMA_V1 } from "./original-schema.js";

const open = colonyDatabases();

interface Column {
  cid: number;
  name: string;
  type: string;
  notnull: number;
  dflt_value: string | null;
  pk: number;
}

const LEDGER_TABLES = ["tasks", "steps", "sop_checklist", "colony_meta"] as const;

/** The column names the brief lists, in the original's order. */
const ORIGINAL_COLUMNS: Record<(typeof LEDGER_TABLES)[number], string[]> = {
  tasks: [
    "id",
    "seq",
    "priority",
    "goal",
    "payload",
    "status",
    "worker_id",
    "claim_token",
    "claimed_at",
    "started_at",
    "completed_at",
    "created_at",
    "updated_at",
    "retry_count",
    "max_retries",
    "last_error",
    "parent_task_id",
    "source",
  ],
  steps: ["id", "task_id", "seq", "title", "detail", "status", "evidence", "worker_id", "started_at", "completed_at"],
  sop_checklist: ["id", "task_id", "key", "description", "required", "done_at", "done_by", "note"],
  colony_meta: ["key", "value", "updated_at"],
};

const columns = (db: Database.Database, table: string) => db.prepare(`PRAGMA table_info("${table}")`).all() as Column[];
const withoutPk = ({ pk: _pk, ...column }: Column) => column;

/** An index by what it does: its columns with their order, uniqueness, partiality. */
function indexShape(db: Database.Database, table: string, name: string) {
  const listed = (
    db.prepare(`PRAGMA index_list("${table}")`).all() as { name: string; unique: number; partial: number }[]
  ).find((i) => i.name === name);
  if (!listed) return undefined;
  const keys = (db.prepare(`PRAGMA index_xinfo("${name}")`).all() as { name: string; desc: number; key: number }[])
    .filter((c) => c.key === 1)
    .map((c) => `${c.name}${c.desc ? " desc" : ""}`);
  const where = (
    db.prepare("SELECT sql FROM sqlite_master WHERE type = 'index' AND name = ?").pluck().get(name) as string
  )
    .replace(/"/g, "")
    .replace(/\s+/g, " ")
    .match(/where (.*)$/i)?.[1];
  return { unique: listed.unique, partial: listed.partial, keys, where };
}

/** The unique constraints of a table, by their columns (their automatic indexes' names differ). */
function uniqueConstraints(db: Database.Database, table: string) {
  return (db.prepare(`PRAGMA index_list("${table}")`).all() as { name: string; origin: string }[])
    .filter((i) => i.origin === "u")
    .map((i) => (db.prepare(`PRAGMA index_info("${i.name}")`).all() as { name: string }[]).map((c) => c.name));
}

const foreignKeys = (db: Database.Database, table: string) =>
  (
    db.prepare(`PRAGMA foreign_key_list("${table}")`).all() as {
      table: string;
      from: string;
      to: string;
      on_delete: string;
    }[]
  ).map(({ table, from, to, on_delete }) => ({ table, from, to, on_delete: on_delete.toUpperCase() }));

describe("progress ledger schema", () => {
  let original: Database.Database;
  beforeEach(() => {
    original = new Database(":memory:");
    original.exec(ORIGINAL_SCHEMA_V1);
  });
  afterEach(() => original.close());

  it("has the original's column names, in order, with colony_id added last to tasks and colony_meta, seq to sop_checklist", async () => {
    const db = await open({ projections: [ledgerProjection] });
    const added: Partial<Record<(typeof LEDGER_TABLES)[number], string[]>> = {
      tasks: ["colony_id"],
      colony_meta: ["colony_id"],
      sop_checklist: ["seq"],
    };
    for (const table of LEDGER_TABLES) {
      const names = columns(db.events.database, table).map((c) => c.name);
      const extra = added[table] ?? [];
      expect(names, table).toEqual([...ORIGINAL_COLUMNS[table], ...extra]);
      // The fixture is the original DDL itself: the list above is its list.
      expect(
        columns(original, table).map((c) => c.name),
        table,
      ).toEqual(ORIGINAL_COLUMNS[table]);
    }
  });

  it("declares each original column with the original's type, NOT NULL and default", async () => {
    const db = await open({ projections: [ledgerProjection] });
    for (const table of ["tasks", "steps", "sop_checklist"] as const) {
      const ours = columns(db.events.database, table);
      expect(ours.slice(0, ORIGINAL_COLUMNS[table].length), table).toEqual(columns(original, table));
    }
    expect(columns(db.events.database, "tasks").at(-1)).toEqual({
      cid: 18,
      name: "colony_id",
      type: "TEXT",
      notnull: 1,
      dflt_value: null,
      pk: 0,
    });
    // colony_meta: the same columns; the key is (colony_id, key) instead of key alone.
    const meta = columns(db.events.database, "colony_meta");
    expect(meta.slice(0, 3).map(withoutPk)).toEqual(columns(original, "colony_meta").map(withoutPk));
    expect(
      meta
        .filter((c) => c.pk > 0)
        .sort((a, b) => a.pk - b.pk)
        .map((c) => c.name),
    ).toEqual(["colony_id", "key"]);
  });

  it("has the original's indexes, idx_tasks_claimable partial on pending tasks among them", async () => {
    const db = await open({ projections: [ledgerProjection] });
    const indexes = [
      ["tasks", "idx_tasks_claimable"],
      ["steps", "idx_steps_task_seq"],
      ["sop_checklist", "idx_sop_required_open"],
      ["tasks", "idx_tasks_status"],
    ] as const;
    for (const [table, name] of indexes) {
      const ours = indexShape(db.events.database, table, name);
      expect(ours, name).toBeDefined();
      expect(ours, name).toEqual(indexShape(original, table, name));
    }
    expect(indexShape(db.events.database, "tasks", "idx_tasks_claimable")).toEqual({
      unique: 0,
      partial: 1,
      keys: ["status", "priority desc", "seq", "created_at"],
      where: "status = 'pending'",
    });
    // Added for many colonies in one database: one colony's claim order.
    expect(indexShape(db.events.database, "tasks", "idx_tasks_colony_claimable")).toMatchObject({
      partial: 1,
      keys: ["colony_id", "priority desc", "seq", "created_at"],
    });
  });

  it("has the original's unique constraints and foreign keys, except tasks.parent_task_id's", async () => {
    const db = await open({ projections: [ledgerProjection] });
    for (const table of ["steps", "sop_checklist"]) {
      expect(uniqueConstraints(db.events.database, table), table).toEqual(uniqueConstraints(original, table));
      expect(foreignKeys(db.events.database, table), table).toEqual(foreignKeys(original, table));
    }
    // Dropped on purpose: see the comment on parent_task_id in the projection.
    expect(foreignKeys(original, "tasks")).toEqual([
      { table: "tasks", from: "parent_task_id", to: "id", on_delete: "SET NULL" },
    ]);
    expect(foreignKeys(db.events.database, "tasks")).toEqual([]);
  });
});
