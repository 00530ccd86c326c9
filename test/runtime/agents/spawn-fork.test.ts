import { describe, expect, it } from "vitest";
import { ScriptedProvider } from "../../../src/adapters/llm/scripted-provider.js";
import type { LlmRequest } from "../../../src/domain/ports/llm-provider.js";
import { agentBrain } from "../../../src/runtime/agents/agent-brain.js";
import { runAgent } from "../../../src/runtime/agents/agent-loop.js";
import { taskMessage } from "../../../src/runtime/agents/spawn-forked.js";
import { ToolRegistry } from "../../../src/runtime/agents/tool.js";
import { fileTools } from "../../../src/runtime/agents/tools/file-tools.js";
import { ledgerTools } from "../../../src/runtime/agents/tools/ledger-tools.js";
import { queenTools } from "../../../src/runtime/agents/tools/queen-tools.js";
import { reportToParent } from "../../../src/runtime/agents/tools/report-tools.js";
import { agentColonies } from "../../support/agent-colony.js";

const open = agentColonies();

const task = {
  goal: "count the words of a.txt",
  payload: { path: "a.txt" },
  steps: [{ title: "count" }],
  sopItems: [{ key: "checked", description: "the count was checked" }],
};

describe("spawning from the queen", () => {
  it("forks her conversation (nothing copied), gives workers her tools but not her own, and they do the ledger's work", async () => {
    const colony = await open([task]);
    const requests = new Map<string, LlmRequest[]>();
    // One model for queen and workers: each answers by who is asking (the first user part says).
    const workerScript = [
      { name: "claim_task", arguments: {} },
      { name: "start_step", arguments: { seq: 1 } },
      { name: "word_stats", arguments: { path: "a.txt" } },
      { name: "complete_step", arguments: { seq: 1, evidence: "8 words" } },
      { name: "check_sop", arguments: { key: "checked" } },
      { name: "complete_task", arguments: { result: { words: 8 } } },
      { name: "report_to_parent", arguments: { status: "success", summary: "a.txt has 8 words" } },
    ];
    // One model for queen and workers: a worker's context holds its task message, the queen's not.
    const model = new ScriptedProvider((request) => {
      const mine = request.messages.findIndex((m) => m.role === "user" && m.content === taskMessage("count words"));
      const who = mine >= 0 ? "worker" : "queen";
      requests.set(who, [...(requests.get(who) ?? []), request]);
      const turn = (requests.get(who)?.length ?? 1) - 1;
      if (who === "worker") return { toolCalls: [workerScript[turn] ?? (workerScript[6] as never)] };
      if (turn === 0) return { toolCalls: [{ name: "spawn_workers", arguments: { task: "count words" } }] };
      if (turn === 1) {
        const { worker_ids } = JSON.parse(request.messages.at(-1)?.content ?? "{}") as { worker_ids: string[] };
        return { toolCalls: [{ name: "wait_for_reports", arguments: { worker_ids } }] };
      }
      return { content: "All done." };
    });
    const workerTools = (workerId: string) =>
      new ToolRegistry([...queenToolsFor(), ...fileTools(colony.files), reportToParent])
        .inheritable()
        .with(ledgerTools(colony.ledger, "c1", workerId));
    const brain = agentBrain({ conversations: colony.conversations, model, tools: (w) => workerTools(w.workerId) });
    const spawn = { runtime: colony.runtime, conversations: colony.conversations, ids: colony.ids, brain };
    const queenToolsFor = () => queenTools({ spawn, ledger: colony.ledger, colonyId: "c1" });

    const queenVersionBefore = (await colony.conversations.head("queen-c")).version;
    const outcome = await runAgent({
      agentId: "q1",
      conversationId: "queen-c",
      conversations: colony.conversations,
      model,
      tools: new ToolRegistry([...queenToolsFor(), ...fileTools(colony.files), reportToParent]),
    });
    expect(outcome).toMatchObject({ exit: "replied", reply: "All done." });

    // The worker's conversation: a fork of the queen's at the version before her spawning turn.
    const workers = await colony.db.readModels.selectFrom("workers").selectAll().execute();
    expect(workers).toHaveLength(1);
    const worker = workers[0] as (typeof workers)[number];
    expect(worker).toMatchObject({ status: "reported", report_status: "success", report_summary: "a.txt has 8 words" });
    const live = await colony.conversations.live(worker.conversation_id);
    expect(live.ancestry).toEqual([
      { conversationId: "queen-c", upToVersion: queenVersionBefore, depth: 0 },
      { conversationId: worker.conversation_id, upToVersion: null, depth: 1 },
    ]);
    const inherited = live.parts.filter((p) => p.inherited);
    expect(inherited.map((p) => p.content)).toEqual([
      "Count the words of the files.",
      "I will split the work among workers.",
    ]);
    expect(live.parts.find((p) => !p.inherited)?.content).toBe(taskMessage("count words"));
    // Parts are never copied: the fork's own rows are only its own parts.
    const rows = await colony.db.readModels
      .selectFrom("conversation_parts")
      .select((eb) => eb.fn.countAll<number>().as("n"))
      .where("conversation_id", "=", worker.conversation_id)
      .executeTakeFirstOrThrow();
    expect(rows.n).toBe(live.parts.length - inherited.length);

    // Queen-only tools are not inherited; the worker has the ledger's.
    const workerToolNames = requests.get("worker")?.[0]?.tools.map((t) => t.name) ?? [];
    expect(workerToolNames).not.toContain("spawn_workers");
    expect(workerToolNames).not.toContain("seed_tasks");
    expect(workerToolNames).toEqual(
      expect.arrayContaining(["claim_task", "complete_task", "read_file", "report_to_parent"]),
    );
    expect(requests.get("queen")?.[0]?.tools.map((t) => t.name)).toContain("spawn_workers");

    // The worker did the ledger's work.
    const [ledgerTask] = await colony.ledger.tasks("c1");
    expect(ledgerTask).toMatchObject({ status: "done", workerId: worker.id });
  });
});
