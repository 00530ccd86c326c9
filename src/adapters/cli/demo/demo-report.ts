import Database from "better-sqlite3";
import type { DemoRun } from "./demo-scenario.js";

const count = new Intl.NumberFormat("en-US");

/**
 * What the demo did, read back from its database (the log and the read models it folded), and
 * the commands to look further. Ids are printed whole: they are what the commands take.
 */
export async function demoReport(
  file: string,
  run: DemoRun,
  facts: { readonly model: string; readonly seconds: number },
): Promise<string> {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    const all = <T>(sql: string, ...params: unknown[]) => db.prepare(sql).all(...params) as T[];
    const one = <T>(sql: string, ...params: unknown[]) => db.prepare(sql).get(...params) as T;
    const head = one<{ n: number }>("SELECT count(*) AS n FROM events").n;
    const categories = all<{ category: string; n: number }>(
      "SELECT substr(stream_id, 1, instr(stream_id, '-') - 1) AS category, count(*) AS n FROM events GROUP BY 1 ORDER BY 2 DESC",
    );
    const tasks = all<{ status: string; n: number }>(
      "SELECT status, count(*) AS n FROM tasks WHERE colony_id = ? GROUP BY status ORDER BY status",
      run.colonyId,
    );
    const byWorker = all<{ worker_id: string; n: number; summary: string | null }>(
      `SELECT t.worker_id, count(*) AS n, w.report_summary AS summary FROM tasks t JOIN workers w ON w.id = t.worker_id
       WHERE t.colony_id = ? AND t.status = 'done' GROUP BY t.worker_id ORDER BY w.spawned_at`,
      run.colonyId,
    );
    const tokens = one<{ input: number | null; output: number | null }>(
      "SELECT sum(input_tokens) AS input, sum(output_tokens) AS output FROM workers WHERE colony_id = ?",
      run.colonyId,
    );
    const compaction = one<
      { method: string; parts_compacted: number; tokens_before: number; tokens_after: number } | undefined
    >(
      "SELECT method, parts_compacted, tokens_before, tokens_after FROM conversation_compactions WHERE conversation_id = ?",
      run.colonyConversationId,
    );
    const { delegation, replay, checkpoint } = run;
    const lines = [
      `colony demo: ${count.format(head)} events in ${file}, in ${facts.seconds.toFixed(1)} s, on the ${facts.model} model`,
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
      `  colony events --db ${file} --stream session-${run.colonySessionId}`,
      `  colony tasks list --db ${file} --colony ${run.colonyId}`,
      `  colony inspect conversation ${checkpoint.conversationId} --db ${file}`,
      `  colony replay ${checkpoint.workerId} --db ${file} --from ${checkpoint.version}`,
      `  colony projections rebuild --db ${file} --verify`,
    ];
    return lines.join("\n");
  } finally {
    db.close();
  }
}
