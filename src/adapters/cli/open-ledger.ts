import { existsSync, statSync } from "node:fs";
import { resolve } from "node:path";
import { ColonyError } from "../../domain/errors.js";
import { ledgerProjection } from "../../projections/ledger/ledger-projection.js";
import type { AnyProjection } from "../../projections/projection.js";
import { allProjections } from "../../projections/read-models.js";
import { TaskLedger } from "../../runtime/ledger/task-ledger.js";
import { type ColonyDatabase, openColonyDatabase } from "../sqlite/open-colony-database.js";
import { systemClock } from "../system/system-clock.js";
import { UuidV7Generator } from "../system/uuid-v7.js";
import { NoLogError } from "./open-store.js";

export interface OpenLedgerOptions {
  /** Verbs that only work on tasks already seeded pass true: a missing file is an error, never created. */
  readonly mustExist: boolean;
  /** How long a write waits for another process's write lock (the store's default otherwise). */
  readonly busyTimeoutMs?: number;
}

/** The SQLite file with only the progress ledger, folded inline, and a TaskLedger on it. */
export async function openLedger(
  dbPath: string,
  options: OpenLedgerOptions,
): Promise<{ db: ColonyDatabase; ledger: TaskLedger }> {
  // Only the ledger, folded inline: the claims and lists read it back at once.
  const db = await openColonyFile(dbPath, { ...options, projections: [ledgerProjection] });
  return { db, ledger: new TaskLedger(db, { clock: systemClock, ids: new UuidV7Generator() }) };
}

/**
 * The SQLite file with these projections (default all) folded inline, the ways opening can fail
 * turned into one-line errors.
 */
export async function openColonyFile(
  dbPath: string,
  options: OpenLedgerOptions & { readonly projections?: readonly AnyProjection[] },
): Promise<ColonyDatabase> {
  if (options.mustExist && !existsSync(dbPath)) throw new NoLogError(dbPath);
  if (existsSync(dbPath) && statSync(dbPath).isDirectory()) {
    throw new ColonyError("cannot_open_log", `cannot open log at ${dbPath}: it is a directory`, { path: dbPath });
  }
  const projections = options.projections ?? allProjections;
  try {
    return await openColonyDatabase(resolve(dbPath), {
      projections,
      inline: projections.map((p) => p.name),
      warn: () => {},
      ...(options.busyTimeoutMs === undefined ? {} : { busyTimeoutMs: options.busyTimeoutMs }),
    });
  } catch (error) {
    if (error instanceof ColonyError) throw error;
    const reason = error instanceof Error ? error.message : String(error);
    throw new ColonyError("cannot_open_log", `cannot open log at ${dbPath}: ${reason}`, { path: dbPath, reason });
  }
}

/** The id of the colony of this name, or a `colony_not_found` error naming the file. */
export async function colonyIdOf(ledger: TaskLedger, name: string, dbPath: string): Promise<string> {
  const colonyId = await ledger.colonyIdByName(name);
  if (colonyId === undefined) {
    throw new ColonyError("colony_not_found", `no colony named ${name} in ${dbPath}`, { colony: name });
  }
  return colonyId;
}
