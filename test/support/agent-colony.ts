import { mkdtempSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach } from "vitest";
import { systemClock } from "../../src/adapters/system/system-clock.js";
import { systemTimers } from "../../src/adapters/system/system-timers.js";
import { UuidV7Generator } from "../../src/adapters/system/uuid-v7.js";
import { allProjections, type ReadModels } from "../../src/projections/read-models.js";
import { ColonyRuntime } from "../../src/runtime/colony/index.js";
import { ConversationLog } from "../../src/runtime/conversations/conversation-log.js";
import { TaskLedger } from "../../src/runtime/ledger/task-ledger.js";
import { colonyDatabases } from "./colony-database.js";

export const LIMITS = { maxContextTokens: 100_000, compactionBufferTokens: 2_000, compactionRatio: 0.1 };

/**
 * A colony on a real SQLite file with every projection folded inline (agents read their own
 * writes back at once), its ledger, a runtime on the system clock, and a queen's conversation
 * `queen-c` with a couple of turns. Call at a test file's top level.
 */
export function agentColonies() {
  const open = colonyDatabases();
  const runtimes: ColonyRuntime[] = [];
  // Registered after the databases' hook, so it runs first: workers stop before their file closes.
  afterEach(async () => {
    for (const runtime of runtimes.splice(0)) await runtime.close();
  });
  return async (tasks: unknown[] = []) => {
    const db = await open({ inline: allProjections.map((p) => p.name) });
    const ids = new UuidV7Generator();
    const conversations = new ConversationLog(db.events, db.readModels as never);
    const ledger = new TaskLedger<ReadModels>(db, { clock: systemClock, ids });
    await ledger.createColony({ colonyId: "c1", name: "c1" }, tasks);
    const runtime = await ColonyRuntime.open(db.events, {
      colonyId: "c1",
      clock: systemClock,
      ids,
      timers: systemTimers,
      resurrectionCooldownMs: 0,
    });
    runtimes.push(runtime);
    await conversations.start("queen-c", { kind: "queen", id: "q1" }, "You are the queen.", LIMITS);
    await conversations.append(
      "queen-c",
      { role: "user", content: "Count the words of the files.", flags: { clientInput: true } },
      { role: "assistant", content: "I will split the work among workers." },
    );
    const files = mkdtempSync(join(db.file, "..", "files-"));
    writeFileSync(join(files, "a.txt"), "the cat sat on the mat\nthe end\n");
    return { db, ids, conversations, ledger, runtime, files };
  };
}
