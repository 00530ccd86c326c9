import { liveContext } from "../../projections/conversations/live-context.js";
import { openColonyDatabase } from "../sqlite/open-colony-database.js";
import { projectAt } from "../sqlite/project-at.js";
import { COLONY_ID, streams, WORKER_ID } from "./demo-story.js";

export interface DemoSteps {
  tell(text: string): void;
  detail(text: string): void;
  check(condition: boolean, what: string): asserts condition;
}

/**
 * The demo's read side: folds the log into every read model, reads the worker, the ledger and
 * the worker's forked conversation, then travels back to before the task was completed.
 */
export async function showReadModels(file: string, steps: DemoSteps): Promise<void> {
  const { tell, detail } = steps;
  const db = await openColonyDatabase(file, { warn: () => {} });
  try {
    const head = await db.runner.catchUp();
    tell(`folded the log into ${(await db.projections.status()).length} read models up to #${head}`);

    const worker = await db.readModels
      .selectFrom("workers")
      .select(["status", "report_status", "attempt"])
      .where("id", "=", WORKER_ID)
      .executeTakeFirst();
    steps.check(worker?.status === "reported", `worker ${WORKER_ID} is ${worker?.status}`);
    detail(`worker ${WORKER_ID}: ${worker.status} (${worker.report_status}), attempt ${worker.attempt}`);

    const tasks = await db.readModels
      .selectFrom("tasks")
      .select(["id", "status"])
      .where("colony_id", "=", COLONY_ID)
      .orderBy("seq")
      .execute();
    steps.check(tasks[0]?.status === "done", `the first task is ${tasks[0]?.status}`);
    detail(`ledger: ${tasks.map((t) => `${t.id} ${t.status}`).join(", ")}`);

    const context = await liveContext(db.readModels, WORKER_ID);
    steps.check(context !== undefined, `no live context for ${streams.workerConversation}`);
    const inherited = context.parts.filter((p) => p.inherited).length;
    steps.check(inherited > 0, "the worker's conversation inherits nothing from the queen's");
    detail(
      `${streams.workerConversation}: ${context.parts.length} parts in its live context, ${inherited} inherited from ` +
        `${context.ancestry[0]?.conversationId} up to version ${context.ancestry[0]?.upToVersion} (the fork copied none)`,
    );

    const completedAt = await db.readModels
      .selectFrom("tasks")
      .select("completed_at")
      .where("id", "=", tasks[0]?.id ?? "")
      .executeTakeFirst();
    const before = await positionBefore(db.events, streams.task(1), "TaskCompleted");
    const past = await projectAt(db.events, before);
    try {
      const then = await past.readModels
        .selectFrom("tasks")
        .select("status")
        .where("id", "=", tasks[0]?.id ?? "")
        .executeTakeFirst();
      steps.check(then?.status === "in_progress", `at #${before} the first task was ${then?.status}`);
      tell(`time travel to #${before}: ${tasks[0]?.id} was ${then.status}; now done at ${completedAt?.completed_at}`);
    } finally {
      await past.close();
    }
  } finally {
    await db.close();
  }
}

/** The position just before the first event of `type` in a stream. */
async function positionBefore(
  events: { readStream(id: string): AsyncIterable<{ type: string; position: bigint }> },
  streamId: string,
  type: string,
): Promise<bigint> {
  for await (const event of events.readStream(streamId)) if (event.type === type) return event.position - 1n;
  throw new Error(`no ${type} in ${streamId}`);
}
