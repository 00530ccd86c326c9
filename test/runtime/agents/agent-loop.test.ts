import { describe, expect, it } from "vitest";
import { z } from "zod";
import { ScriptedProvider } from "../../../src/adapters/llm/scripted-provider.js";
import { systemClock } from "../../../src/adapters/system/system-clock.js";
import { systemTimers } from "../../../src/adapters/system/system-timers.js";
import type { LlmRequest } from "../../../src/domain/ports/llm-provider.js";
import { agentBrain } from "../../../src/runtime/agents/agent-brain.js";
import { runAgent } from "../../../src/runtime/agents/agent-loop.js";
import { spawnForked } from "../../../src/runtime/agents/spawn-forked.js";
import { defineTool, ToolRegistry } from "../../../src/runtime/agents/tool.js";
import { fileTools } from "../../../src/runtime/agents/tools/file-tools.js";
import { escalate, reportToParent } from "../../../src/runtime/agents/tools/report-tools.js";
import { Compactor } from "../../../src/runtime/compaction/compactor.js";
import { LiveBus, type LiveSignal } from "../../../src/runtime/live-bus.js";
import { agentColonies } from "../../support/agent-colony.js";

const open = agentColonies();

async function ownParts(colony: Awaited<ReturnType<typeof open>>, conversationId: string) {
  return (await colony.conversations.live(conversationId)).parts.filter((p) => !p.inherited);
}

describe("the agent loop", () => {
  it("calls the model, runs its tool calls, records every part, and ends on report_to_parent", async () => {
    const colony = await open();
    const model = new ScriptedProvider([
      { content: "Counting.", toolCalls: [{ name: "word_stats", arguments: { path: "a.txt" } }] },
      {
        toolCalls: [
          { name: "report_to_parent", arguments: { status: "success", summary: "8 words", data: { words: 8 } } },
        ],
      },
    ]);
    const outcome = await runAgent({
      agentId: "q1",
      conversationId: "queen-c",
      conversations: colony.conversations,
      model,
      tools: new ToolRegistry([...fileTools(colony.files), reportToParent]),
    });

    expect(outcome).toMatchObject({
      exit: "reported",
      report: { status: "success", summary: "8 words", data: { words: 8 } },
      modelCalls: 2,
      toolCalls: 2,
    });
    expect(outcome.tokens.inputTokens).toBeGreaterThan(0);
    const parts = (await colony.conversations.live("queen-c")).parts;
    expect(parts.map((p) => [p.seq, p.role])).toEqual([
      [0, "user"],
      [1, "assistant"],
      [2, "assistant"],
      [3, "tool"],
      [4, "assistant"],
      [5, "tool"],
    ]);
    const [, , call, stats] = parts;
    expect(call).toMatchObject({
      model: "scripted",
      toolCalls: [{ name: "word_stats", arguments: { path: "a.txt" } }],
    });
    expect(call?.usage?.inputTokens).toBeGreaterThan(0);
    expect(call?.latencyMs).toBeGreaterThanOrEqual(0);
    expect(stats?.toolCallId).toBe(call?.toolCalls?.[0]?.id);
    expect(JSON.parse(stats?.content ?? "")).toMatchObject({
      words: 8,
      distinct: 6,
      top: [
        { word: "the", count: 3 },
        { word: "cat", count: 1 },
        { word: "end", count: 1 },
        { word: "mat", count: 1 },
        { word: "on", count: 1 },
      ],
    });
  });

  it("turns a bad argument, an unknown tool and a throwing tool into error parts, and goes on", async () => {
    const colony = await open();
    const failing = defineTool({
      name: "explode",
      description: "always fails",
      input: z.strictObject({}),
      run: async () => {
        throw new Error("boom");
      },
    });
    const model = new ScriptedProvider([
      {
        toolCalls: [
          { name: "word_stats", arguments: { path: 42 } },
          { name: "no_such_tool", arguments: {} },
          { name: "explode", arguments: {} },
          { name: "read_file", arguments: { path: "../../etc/passwd" } },
        ],
      },
      { content: "I could not do it." },
    ]);
    const outcome = await runAgent({
      agentId: "q1",
      conversationId: "queen-c",
      conversations: colony.conversations,
      model,
      tools: new ToolRegistry([...fileTools(colony.files), failing]),
    });
    expect(outcome).toMatchObject({ exit: "replied", reply: "I could not do it.", modelCalls: 2 });
    const tools = (await colony.conversations.live("queen-c")).parts.filter((p) => p.role === "tool");
    expect(tools.map((p) => p.content)).toEqual([
      expect.stringMatching(/^error: invalid arguments for word_stats: path: .*string/),
      expect.stringMatching(
        /^error: there is no tool named no_such_tool \(tools: list_files, read_file, word_stats, explode\)/,
      ),
      "error: explode failed: boom",
      expect.stringMatching(/^error: read_file failed: .*(outside|no file)/),
    ]);
  });

  it("stops after maxIterations model calls, and on escalate", async () => {
    const colony = await open();
    const looping = new ScriptedProvider(() => ({ toolCalls: [{ name: "read_file", arguments: { path: "a.txt" } }] }));
    const tools = new ToolRegistry([...fileTools(colony.files), escalate]);
    const run = { agentId: "q1", conversationId: "queen-c", conversations: colony.conversations, tools };
    expect(await runAgent({ ...run, model: looping, maxIterations: 3 })).toMatchObject({
      exit: "max_iterations",
      modelCalls: 3,
    });
    const escalating = new ScriptedProvider([
      { toolCalls: [{ name: "escalate", arguments: { reason: "need a key" } }] },
    ]);
    expect(await runAgent({ ...run, model: escalating })).toMatchObject({
      exit: "escalated",
      escalation: "need a key",
    });
  });

  it("appends injected input only at a turn boundary, never between a tool call and its result", async () => {
    const colony = await open();
    const inbox: string[] = [];
    const slow = defineTool({
      name: "slow",
      description: "takes a while",
      input: z.strictObject({}),
      run: async () => {
        inbox.push("also count b.txt"); // arrives while the tool runs
        return { content: "done" };
      },
    });
    const seen: LlmRequest[] = [];
    const model = new ScriptedProvider((request, call) => {
      seen.push(request);
      return call === 0 ? { toolCalls: [{ name: "slow", arguments: {} }] } : { content: "ok" };
    });
    await runAgent({
      agentId: "q1",
      conversationId: "queen-c",
      conversations: colony.conversations,
      model,
      tools: new ToolRegistry([slow]),
      nextInput: () => inbox.splice(0),
    });
    const roles = (await ownParts(colony, "queen-c")).map((p) => `${p.role}${p.flags?.clientInput ? "*" : ""}`);
    expect(roles).toEqual(["user*", "assistant", "assistant", "tool", "user*", "assistant"]);
    expect(seen[1]?.messages.at(-1)).toEqual({ role: "user", content: "also count b.txt" });
  });

  it("reports an aborted run as aborted", async () => {
    const colony = await open();
    const controller = new AbortController();
    const model = new ScriptedProvider(() => {
      controller.abort();
      return { toolCalls: [{ name: "read_file", arguments: { path: "a.txt" } }] };
    });
    const outcome = await runAgent({
      agentId: "q1",
      conversationId: "queen-c",
      conversations: colony.conversations,
      model,
      tools: new ToolRegistry(fileTools(colony.files)),
      signal: controller.signal,
    });
    expect(outcome).toMatchObject({ exit: "aborted", modelCalls: 1 });
  });
});

describe("the agent loop's surroundings", () => {
  it("streams text and announces tool calls on the live bus", async () => {
    const colony = await open();
    const bus = new LiveBus();
    const signals: LiveSignal[] = [];
    const subscription = bus.signals.subscribe((s) => signals.push(s));
    const model = new ScriptedProvider([
      { content: "Reading it now.", toolCalls: [{ name: "read_file", arguments: { path: "a.txt" }, id: "c1" }] },
      { content: "Done." },
    ]);
    await runAgent({
      agentId: "q1",
      conversationId: "queen-c",
      conversations: colony.conversations,
      model,
      tools: new ToolRegistry(fileTools(colony.files)),
      bus,
    });
    subscription.unsubscribe();
    expect(signals).toEqual([
      { kind: "text_delta", agentId: "q1", conversationId: "queen-c", text: "Reading " },
      { kind: "text_delta", agentId: "q1", conversationId: "queen-c", text: "it " },
      { kind: "text_delta", agentId: "q1", conversationId: "queen-c", text: "now." },
      { kind: "tool_call_started", agentId: "q1", conversationId: "queen-c", toolCallId: "c1", name: "read_file" },
      { kind: "text_delta", agentId: "q1", conversationId: "queen-c", text: "Done." },
    ]);
  });

  it("compacts a worker's conversation before a model call once it nears its limit, and the worker goes on", async () => {
    const colony = await open();
    await colony.conversations.start("small", { kind: "queen", id: "q1" }, "You are the queen.", {
      maxContextTokens: 400,
      compactionBufferTokens: 0,
      compactionRatio: 0,
    });
    await colony.conversations.append("small", { role: "user", content: "Read a.txt a few times." });
    const compactor = new Compactor({
      events: colony.db.events,
      conversations: colony.conversations,
      readModels: colony.db.readModels as never,
      clock: systemClock,
      timers: systemTimers,
      keepLast: 2,
    });
    const model = new ScriptedProvider((_request, call) =>
      call < 6
        ? { content: "x".repeat(200), toolCalls: [{ name: "read_file", arguments: { path: "a.txt" } }] }
        : { toolCalls: [{ name: "report_to_parent", arguments: { status: "success", summary: "read it" } }] },
    );
    const brain = agentBrain({
      conversations: colony.conversations,
      model,
      tools: () => new ToolRegistry([...fileTools(colony.files), reportToParent]),
      compactor,
    });
    const head = (await colony.conversations.head("small")).version;
    const deps = { runtime: colony.runtime, conversations: colony.conversations, ids: colony.ids, brain };
    const [workerId] = (await spawnForked(deps, "small", head, [{ task: "read" }])) as [string];
    const [report] = await colony.runtime.wait([workerId]);
    expect(report).toMatchObject({ status: "success", summary: "read it" });

    const worker = await colony.db.readModels
      .selectFrom("workers")
      .select("conversation_id")
      .where("id", "=", workerId)
      .executeTakeFirstOrThrow();
    const history = await colony.conversations.history(worker.conversation_id);
    const live = await colony.conversations.live(worker.conversation_id);
    expect(history.compactions.length).toBeGreaterThan(0);
    expect(history.compactions.every((c) => c.method === "extractive")).toBe(true);
    expect(live.parts[0]?.summary).toBe(true);
    expect(live.parts.length).toBeLessThan(history.parts.length);
  });
});
