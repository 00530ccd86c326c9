import { describe, expect, it } from "vitest";
import { z } from "zod";
import { ScriptedProvider } from "../../../src/adapters/llm/scripted-provider.js";
import type { LlmRequest } from "../../../src/domain/ports/llm-provider.js";
import { runAgent } from "../../../src/runtime/agents/agent-loop.js";
import { defineTool, ToolRegistry } from "../../../src/runtime/agents/tool.js";
import { fileTools } from "../../../src/runtime/agents/tools/file-tools.js";
import { escalate, reportToParent } from "../../../src/runtime/agents/tools/report-tools.js";
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
