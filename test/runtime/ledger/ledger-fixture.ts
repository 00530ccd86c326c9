import { UuidV7Generator } from "../../../src/adapters/system/uuid-v7.js";
import type { Clock } from "../../../src/domain/ports/clock.js";
import { ledgerProjection } from "../../../src/projections/ledger/ledger-projection.js";
import { TaskLedger, type TaskLedgerOptions } from "../../../src/runtime/ledger/task-ledger.js";
import { colonyDatabases } from "../../support/colony-database.js";

/** A clock tests move by hand: claims carry the store's time, the reclaimer compares with it. */
export class ManualClock implements Clock {
  constructor(private ms = Date.parse("2026-01-01T00:00:00.000Z")) {}

  now(): Date {
    return new Date(this.ms);
  }

  advance(ms: number): void {
    this.ms += ms;
  }
}

/**
 * Ledgers on real SQLite files (removed after each test), the progress ledger folded inline,
 * the store and the ledger sharing one manual clock. Call at a test file's top level.
 */
export function ledgers() {
  const open = colonyDatabases();
  return async (options: Partial<TaskLedgerOptions> = {}) => {
    const clock = options.clock ?? new ManualClock();
    const db = await open({ projections: [ledgerProjection], inline: [ledgerProjection.name], clock });
    const ledger = new TaskLedger(db, { clock, ids: new UuidV7Generator(), ...options });
    return { db, ledger, clock: clock as ManualClock };
  };
}

/** Event types of every task stream, from the log: what happened to each task, in order. */
export async function historyByTask(events: AsyncIterable<{ streamId: string; type: string }>) {
  const history = new Map<string, string[]>();
  for await (const event of events) {
    if (!event.streamId.startsWith("task-")) continue;
    const id = event.streamId.slice("task-".length);
    history.set(id, [...(history.get(id) ?? []), event.type]);
  }
  return history;
}
