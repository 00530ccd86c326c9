/**
 * Child process for crash-recovery.test.ts: opens the shared SQLite file (session s1 started by
 * the test), dispatches one delegation whose child reports at once, waits until its
 * DelegationCompleted is in the log, prints the handle as one JSON line, and then hangs: its
 * parent is never idle, so the completion is never delivered before the test SIGKILLs it.
 *
 * Usage: node --import tsx complete-then-hang.ts <file>
 */
import { systemClock } from "../../../../src/adapters/system/system-clock.js";
import { systemTimers } from "../../../../src/adapters/system/system-timers.js";
import { UuidV7Generator } from "../../../../src/adapters/system/uuid-v7.js";
import { ColonyRuntime } from "../../../../src/runtime/colony/index.js";
import { ConversationLog } from "../../../../src/runtime/conversations/conversation-log.js";
import { DelegationService } from "../../../../src/runtime/delegation/index.js";
import { openDelegationDatabase, SESSION } from "../delegation-fixture.js";
import { neverIdle } from "../manual-parent.js";

const [file] = process.argv.slice(2);
if (!file) throw new Error("usage: <file>");

const db = await openDelegationDatabase(file);
const ids = new UuidV7Generator();
const runtime = await ColonyRuntime.open(db.events, { colonyId: "c1", clock: systemClock, timers: systemTimers, ids });
const service = await DelegationService.open({
  store: db.events,
  conversations: new ConversationLog(db.events, db.readModels as never),
  runtime,
  parent: neverIdle,
  sessionId: SESSION,
  ids,
});
const handle = await service.dispatch({
  goal: "read paper A",
  context: "the queen needs its sample size",
  brain: async () => ({ status: "success", summary: "n = 412", data: { exit: "reported", model_calls: 2 } }),
});
await service.completion(handle.delegationId);
process.stdout.write(`${JSON.stringify(handle)}\n`);
// Keep the process (and its undelivered completion) alive until the test kills it.
setInterval(() => {}, 60_000);
