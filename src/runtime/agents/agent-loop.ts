import type { LlmProvider, LlmToolCall, LlmUsage } from "../../domain/ports/llm-provider.js";
import type { JsonValue } from "../colony/worker-brain.js";
import type { ConversationLog, PartInput } from "../conversations/conversation-log.js";
import type { LiveBus } from "../live-bus.js";
import { llmRequest } from "./llm-request.js";
import type { Tool, ToolContext, ToolEffect, ToolRegistry, ToolResult } from "./tool.js";

/** Runs one validated call: the tool itself by default; a replay answers from the record instead. */
export type CallTool = (tool: Tool, input: unknown, call: LlmToolCall, context: ToolContext) => Promise<ToolResult>;

export interface AgentRun {
  /** The worker (or queen) the run belongs to. */
  readonly agentId: string;
  readonly conversationId: string;
  readonly conversations: ConversationLog;
  readonly model: LlmProvider;
  readonly tools: ToolRegistry;
  /** Model calls before the run gives up. Default 40. */
  readonly maxIterations?: number;
  readonly signal?: AbortSignal;
  /** Messages injected since the last call; drained only at a turn boundary. */
  readonly nextInput?: () => readonly string[];
  /** Where the model's text is streamed as it comes, and tool calls are announced as they start. */
  readonly bus?: LiveBus;
  /** Before each model call, with the conversation as it stands (compaction hooks in here). */
  readonly beforeModelCall?: (conversationId: string) => Promise<void>;
  readonly callTool?: CallTool;
  /** Hears each tool part as it is appended (a replay compares them with the record). */
  readonly onToolResult?: (call: LlmToolCall, content: string) => void;
}

export type AgentExit = "reported" | "escalated" | "replied" | "max_iterations" | "aborted";

export interface AgentOutcome {
  readonly exit: AgentExit;
  /** report_to_parent's arguments, when the agent reported. */
  readonly report: Extract<ToolEffect, { kind: "report" }> | null;
  readonly escalation: string | null;
  /** The last assistant text (the reply, when the run ended on one). */
  readonly reply: string;
  readonly modelCalls: number;
  readonly toolCalls: number;
  readonly tokens: LlmUsage;
}

const runTool: CallTool = (tool, input, _call, context) => tool.run(input, context);

/**
 * The agent loop (DESIGN §6): live context → model → assistant part (model, usage, latency) →
 * each tool call validated and run → tool parts → again, until the agent reports, escalates,
 * answers without calling a tool, runs out of iterations, or is aborted. A bad argument, an
 * unknown tool or a throwing tool becomes an error tool part the model reads, never a crash; a
 * failing model call is the run's failure (the runtime resurrects the worker). Injected input
 * is appended only before a model call, so it never lands between a tool call and its result.
 */
export async function runAgent(run: AgentRun): Promise<AgentOutcome> {
  const { conversations, conversationId, signal, bus, agentId } = run;
  const maxIterations = run.maxIterations ?? 40;
  const callTool = run.callTool ?? runTool;
  const base = { agentId: run.agentId, conversationId, signal: signal ?? new AbortController().signal };
  const tokens = { inputTokens: 0, outputTokens: 0 };
  let modelCalls = 0;
  let toolCalls = 0;
  let reply = "";
  const outcome = (exit: AgentExit, effect?: ToolEffect): AgentOutcome => ({
    exit,
    report: effect?.kind === "report" ? effect : null,
    escalation: effect?.kind === "escalate" ? effect.reason : null,
    reply,
    modelCalls,
    toolCalls,
    tokens: { ...tokens },
  });

  while (modelCalls < maxIterations) {
    if (signal?.aborted) return outcome("aborted");
    const injected = run.nextInput?.() ?? [];
    if (injected.length > 0) {
      await conversations.append(
        conversationId,
        ...injected.map((content): PartInput => ({ role: "user", content, flags: { clientInput: true } })),
      );
    }
    await run.beforeModelCall?.(conversationId);
    const live = await conversations.live(conversationId);
    const started = Date.now();
    let response: Awaited<ReturnType<LlmProvider["complete"]>>;
    try {
      response = await run.model.complete(llmRequest(live, run.tools.specs()), {
        ...(signal ? { signal } : {}),
        ...(bus
          ? { onDelta: (text: string) => bus.publish({ kind: "text_delta", agentId, conversationId, text }) }
          : {}),
      });
    } catch (error) {
      if (signal?.aborted) return outcome("aborted");
      throw error;
    }
    modelCalls++;
    tokens.inputTokens += response.usage.inputTokens;
    tokens.outputTokens += response.usage.outputTokens;
    reply = response.content;
    const [assistant] = await conversations.append(conversationId, {
      role: "assistant",
      content: response.content,
      ...(response.toolCalls.length > 0
        ? { toolCalls: response.toolCalls.map((c) => ({ id: c.id, name: c.name, arguments: jsonOf(c.arguments) })) }
        : {}),
      model: response.model,
      usage: response.usage,
      latencyMs: Math.max(0, Date.now() - started),
    });
    if (response.toolCalls.length === 0) return outcome("replied");
    const context: ToolContext = { ...base, versionBeforeTurn: (assistant?.version ?? 1) - 1 };

    let ending: ToolEffect | undefined;
    for (const call of response.toolCalls) {
      toolCalls++;
      bus?.publish({ kind: "tool_call_started", agentId, conversationId, toolCallId: call.id, name: call.name });
      const result = ending
        ? { content: `not run: the agent already ended its run with ${ending.kind}` }
        : await settleCall(run.tools, call, context, callTool);
      await conversations.append(conversationId, { role: "tool", toolCallId: call.id, content: result.content });
      run.onToolResult?.(call, result.content);
      if (!ending && result.effect && result.effect.kind !== "continue") ending = result.effect;
    }
    if (ending) return outcome(ending.kind === "report" ? "reported" : "escalated", ending);
  }
  return outcome("max_iterations");
}

/** One call to its result: an error the model can read when the tool is unknown, the input bad, or the tool throws. */
async function settleCall(
  tools: ToolRegistry,
  call: LlmToolCall,
  context: ToolContext,
  callTool: CallTool,
): Promise<ToolResult> {
  const tool = tools.get(call.name);
  if (!tool) return { content: `error: there is no tool named ${call.name} (tools: ${tools.names.join(", ")})` };
  const parsed = tool.input.safeParse(call.arguments);
  if (!parsed.success) {
    const problems = parsed.error.issues.map(
      (i) => `${i.path.length > 0 ? i.path.join(".") : "(input)"}: ${i.message}`,
    );
    return { content: `error: invalid arguments for ${call.name}: ${problems.join("; ")}` };
  }
  try {
    return await callTool(tool, parsed.data, call, context);
  } catch (error) {
    return { content: `error: ${call.name} failed: ${error instanceof Error ? error.message : String(error)}` };
  }
}

/** Tool-call arguments as the log stores them: JSON, whatever the model sent. */
function jsonOf(value: unknown): JsonValue {
  return JSON.parse(JSON.stringify(value ?? null)) as JsonValue;
}
