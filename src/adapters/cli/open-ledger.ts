import { ColonyError } from "../../domain/errors.js";
import { ledgerProjection } from "../../projections/ledger/ledger-projection.js";
import { TaskLedger } from "../../runtime/ledger/task-ledger.js";
import type { ColonyDatabase } from "../colony-database.js";
import { type OpenColonyStoreOptions, openColonyStore } from "../open-colony-store.js";
import { describeLocation, parseStoreLocation } from "../store-location.js";
import { systemClock } from "../system/system-clock.js";
import { UuidV7Generator } from "../system/uuid-v7.js";

/** The colony database `--db` names, with only the progress ledger, folded inline, and a TaskLedger on it. */
export async function openLedger(
  db: string,
  options: Omit<OpenColonyStoreOptions, "projections">,
): Promise<{ db: ColonyDatabase; ledger: TaskLedger }> {
  // Only the ledger, folded inline: the claims and lists read it back at once.
  const opened = await openColonyStore(db, { ...options, projections: [ledgerProjection] });
  return { db: opened, ledger: new TaskLedger(opened, { clock: systemClock, ids: new UuidV7Generator() }) };
}

/** The id of the colony of this name, or a `colony_not_found` error naming the store. */
export async function colonyIdOf(ledger: TaskLedger, name: string, db: string): Promise<string> {
  const colonyId = await ledger.colonyIdByName(name);
  if (colonyId === undefined) {
    const where = describeLocation(parseStoreLocation(db));
    throw new ColonyError("colony_not_found", `no colony named ${name} in ${where}`, { colony: name });
  }
  return colonyId;
}
