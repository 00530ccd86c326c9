import { categoryOf } from "../../../domain/stream-id.js";
import type { ColonyDatabase } from "../../colony-database.js";
import type { DemoRun } from "./demo-scenario.js";

const count = new Intl.NumberFormat("en-US");

/**
 * What the demo did, read back from its database (the log and the read models it folded), and
 * the commands to look further. Ids are printed whole: they are what the commands take.
 */
export async function demoReport(
  db: ColonyDatabase,
  shown: string,
  run: DemoRun,
  facts: { readonly model: string; readonly seconds: number },
): Promise<string> {
  const q = db.readModels;
  let head = 0;
  const byCategory = new Map<string, number>();
  for await (const event of db.events.readAll()) {
    head++;
    const category = categoryOf(event.streamId);
    byCategory.set(category, (byCategory.get(category) ?? 0) + 1);
  }
  const categories = [...byCategory].map(([category, n]) => ({ category, n })).sort((a, b) => b.n - a.n);
  const [tasks, byWorker, tokens, compaction] = await Promise.all([
    q
      .selectFrom("tasks")
      .select((eb) => ["status", eb.fn.countAll<number>().as("n")])
      .where("colony_id", "=", run.colonyId)
      .groupBy("status")
      .orderBy("status")
      .execute(),
    q
      .selectFrom("tasks as t")
      .innerJoin("workers as w", "w.id", "t.worker_id")
      .select((eb) => ["t.worker_id", eb.fn.countAll<number>().as("n"), "w.report_summary as summary"])
      .where("t.colony_id", "=", run.colonyId)
      .where("t.status", "=", "done")
      .groupBy(["t.worker_id", "w.report_summary", "w.spawned_at"])
      .orderBy("w.spawned_at")
      .execute(),
    q
      .selectFrom("workers")
      .select((eb) => [eb.fn.sum<number>("input_tokens").as("input"), eb.fn.sum<number>("output_tokens").as("output")])
      .where("colony_id", "=", run.colonyId)
      .executeTakeFirstOrThrow(),
    q
      .selectFrom("conversation_compactions")
      .select(["method", "parts_compacted", "tokens_before", "tokens_after"])
      .where("conversation_id", "=", run.colonyConversationId)
      .executeTakeFirst(),
  ]);
  const { delegation, replay, checkpoint } = run;
  const lines = [
    `colony demo: ${count.format(head)} events in ${shown}, in ${facts.seconds.toFixed(1)} s, on the ${facts.model} model`,
    "",
    `1. The person asked the queen (session ${run.sessionId}):`,
    `   queen: ${run.replies[0] ?? ""}`,
    `2. colony-spawn: her conversation was forked into colony ${run.colonyId} and compacted` +
      (compaction
        ? ` (${compaction.method} summary of ${compaction.parts_compacted} parts, ~${compaction.tokens_before} -> ~${compaction.tokens_after} tokens)`
        : ""),
    `   the colony's queen (session ${run.colonySessionId}) runs in conversation ${run.colonyConversationId}`,
    `3. ledger: ${tasks.map((t) => `${t.n} ${t.status}`).join(", ")}; the workers (each a fork of the colony queen's conversation):`,
    ...byWorker.map((w) => `   ${w.worker_id}  ${w.n} tasks  "${w.summary ?? ""}"`),
    `   queen: ${run.replies[1] ?? ""}`,
    `4. background delegation ${delegation.delegationId}: "${delegation.goal}"`,
    `   ${delegation.completion?.status ?? delegation.status}: ${delegation.completion?.summary ?? ""} ` +
      `(${delegation.completion?.modelCalls ?? 0} model calls; delivered as seq ${delegation.delivered?.seq ?? "-"} when the queen was idle)`,
    `   queen: ${run.replies[2] ?? ""}`,
    `5. checkpoint "first task completed" at version ${checkpoint.version} of ${checkpoint.conversationId} (worker ${checkpoint.workerId})`,
    `   recorded replay from it as worker ${replay.workerId}: ${replay.report.status}, "${replay.report.summary}"`,
    `   ${replay.reproduced ? "reproduced the original outcome" : "did NOT reproduce the original outcome"}` +
      ` ("${replay.original.summary ?? ""}"), ${replay.divergences.length} divergences, no model call, no tool re-run`,
    "",
    `model calls: ${run.modelCalls}; worker tokens: ${tokens.input ?? 0} in, ${tokens.output ?? 0} out`,
    `log by stream category: ${categories.map((c) => `${c.category} ${c.n}`).join(", ")}`,
    "",
    "Look further:",
    `  colony events --db ${shown} --stream session-${run.colonySessionId}`,
    `  colony tasks list --db ${shown} --colony ${run.colonyId}`,
    `  colony inspect conversation ${checkpoint.conversationId} --db ${shown}`,
    `  colony replay ${checkpoint.workerId} --db ${shown} --from ${checkpoint.version}`,
    `  colony projections rebuild --db ${shown} --verify`,
  ];
  return lines.join("\n");
}
