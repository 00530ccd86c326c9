import { describe, expect, it } from "vitest";
import { z } from "zod";
import { ScriptedProvider } from "../../../src/adapters/llm/scripted-provider.js";
import { agentBrain } from "../../../src/runtime/agents/agent-brain.js";
import { replay } from "../../../src/runtime/agents/replay/replay.js";
import { spawnForked } from "../../../src/runtime/agents/spawn-forked.js";
import { defineTool, ToolRegistry } from "../../../src/runtime/agents/tool.js";
import { fileTools } from "../../../src/runtime/agents/tools/file-tools.js";
import { ledgerTools } from "../../../src/runtime/agents/tools/ledger-tools.js";
import { reportToParent } from "../../../src/runtime/agents/tools/report-tools.js";
import { agentColonies } from "../../support/agent-colony.js";

const open = agentColonies();

const script = [
  { name: "claim_task", arguments: {} },
  { name: "word_stats", arguments: { path: "a.txt" } },
  { name: "complete_task", arguments: { result: { words: 8 } } },
  { name: "report_to_parent", arguments: { status: "success", summary: "a.txt has 8 words" } },
];

/** A colony whose one worker counted a file and reported; the model it ran on, and its tools. */
async function finishedWorker() {
  const colony = await open([{ goal: "count a.txt", payload: { path: "a.txt" } }]);
  const model = new ScriptedProvider((_request, call) => ({ toolCalls: [script[call] ?? (script[3] as never)] }));
  const tools = (workerId: string) =>
    new ToolRegistry([...fileTools(colony.files), reportToParent, ...ledgerTools(colony.ledger, "c1", workerId)]);
  const brain = agentBrain({ conversations: colony.conversations, model, tools: (w) => tools(w.workerId) });
  const head = (await colony.conversations.head("queen-c")).version;
  const deps = { runtime: colony.runtime, conversations: colony.conversations, ids: colony.ids, brain };
  const [workerId] = (await spawnForked(deps, "queen-c", head, [{ task: "count a.txt" }])) as [string];
  await colony.runtime.wait([workerId]);
  return { colony, model, tools, workerId };
}

const replayDeps = (
  colony: Awaited<ReturnType<typeof open>>,
  tools: (workerId: string) => ToolRegistry,
  model?: ScriptedProvider,
) => ({
  runtime: colony.runtime,
  conversations: colony.conversations,
  readModels: colony.db.readModels,
  ids: colony.ids,
  tools: (w: { workerId: string }) => tools(w.workerId),
  ...(model ? { model } : {}),
});

const ownParts = async (colony: Awaited<ReturnType<typeof open>>, conversationId: string) =>
  (await colony.conversations.history(conversationId)).parts
    .filter((p) => p.conversationId === conversationId)
    .map((p) => ({ role: p.role, content: p.content, toolCalls: p.toolCalls }));

describe("replay from a checkpoint", () => {
  it("recorded: reproduces the run's parts and report, calls no model and re-runs no tool", async () => {
    const { colony, model, tools, workerId } = await finishedWorker();
    const callsBefore = model.callCount;
    const eventsBefore = await colony.db.events.headPosition();
    const outcome = await replay(replayDeps(colony, tools), workerId, { mode: "recorded" });
    expect(outcome).toMatchObject({
      reproduced: true,
      divergences: [],
      report: { status: "success", summary: "a.txt has 8 words" },
    });
    expect(model.callCount).toBe(callsBefore);
    const original = await colony.db.readModels
      .selectFrom("workers")
      .select("conversation_id")
      .where("id", "=", workerId)
      .executeTakeFirstOrThrow();
    // The replay's own parts are the original's after the checkpoint (the task message).
    expect(await ownParts(colony, outcome.conversationId)).toEqual(
      (await ownParts(colony, original.conversation_id)).slice(1),
    );
    // No side effect again: no task event was written by the replay (the ledger tools never ran).
    const taskEvents: string[] = [];
    for await (const e of colony.db.events.readAll({ from: eventsBefore + 1n }))
      if (e.streamId.startsWith("task-")) taskEvents.push(e.type);
    expect(taskEvents).toEqual([]);
  });

  it("recorded: a tool altered since the run (its input changed) is a divergence with both sides", async () => {
    const { colony, tools, workerId } = await finishedWorker();
    const altered = defineTool({
      name: "word_stats",
      description: "now takes a file, not a path",
      input: z.strictObject({ file: z.string() }),
      run: async () => ({ content: "{}" }),
    });
    const alteredTools = (id: string) =>
      new ToolRegistry([
        ...tools(id)
          .names.filter((n) => n !== "word_stats")
          .map((n) => tools(id).get(n) as never),
        altered,
      ]);
    const outcome = await replay(replayDeps(colony, alteredTools), workerId, { mode: "recorded" });
    expect(outcome.reproduced).toBe(false);
    expect(outcome.divergences).toEqual([
      expect.objectContaining({
        kind: "tool",
        call: 2,
        recorded: expect.objectContaining({
          name: "word_stats",
          arguments: { path: "a.txt" },
          result: expect.stringContaining('"words":8'),
        }),
        now: { result: expect.stringContaining("error: invalid arguments for word_stats") },
      }),
    ]);
  });

  it("live: calls the model again from a later checkpoint", async () => {
    const { colony, tools, workerId } = await finishedWorker();
    const live = new ScriptedProvider([
      { toolCalls: [{ name: "report_to_parent", arguments: { status: "partial", summary: "again" } }] },
    ]);
    const original = await colony.db.readModels
      .selectFrom("workers")
      .select("conversation_id")
      .where("id", "=", workerId)
      .executeTakeFirstOrThrow();
    const { version } = await colony.conversations.head(original.conversation_id);
    const outcome = await replay(replayDeps(colony, tools, live), workerId, { mode: "live", fromVersion: version - 2 });
    expect(live.callCount).toBe(1);
    expect(outcome).toMatchObject({ mode: "live", reproduced: false, report: { status: "partial", summary: "again" } });
    await expect(replay(replayDeps(colony, tools), "nobody", { mode: "recorded" })).rejects.toMatchObject({
      code: "unknown_worker",
    });
  });
});
