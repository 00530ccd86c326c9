import Anthropic, { APIConnectionError, APIError } from "@anthropic-ai/sdk";
import {
  type CompleteOptions,
  type LlmMessage,
  type LlmProvider,
  LlmProviderError,
  type LlmRequest,
  type LlmResponse,
  type LlmStopReason,
  type LlmToolCall,
  type LlmUsage,
} from "../../domain/ports/llm-provider.js";
import { guardedCall, guardedStream, isRetryableStatus, parseToolArguments } from "./wire.js";

export const ANTHROPIC_API_URL = "https://api.anthropic.com";

// The Messages API requires a cap on every call.
const DEFAULT_MAX_TOKENS = 4096;

const DEFAULT_TIMEOUT_MS = 10 * 60_000;

// Error types Anthropic names inside a stream that already answered 200; the same call may succeed later.
const RETRYABLE_STREAM_ERRORS = new Set(["overloaded_error", "api_error", "rate_limit_error"]);

export interface AnthropicProviderOptions {
  readonly model: string;
  readonly apiKey: string;
  /** Anthropic's own API when absent. */
  readonly baseURL?: string;
  /** Cap on answer tokens when the request names none (the API requires one). */
  readonly maxTokens?: number;
  /**
   * Given explicitly, so the SDK does not refuse a large `max_tokens` on a non-streamed call by its
   * own estimate of ten minutes.
   */
  readonly timeoutMs?: number;
}

type RequestParams = Omit<Anthropic.Messages.MessageCreateParamsNonStreaming, "stream">;

type Block =
  | { readonly kind: "text"; text: string }
  | { readonly kind: "tool"; readonly id: string; readonly name: string; readonly input: unknown; json: string }
  | { readonly kind: "other" };

/**
 * The Anthropic adapter (DESIGN §7) on the official `@anthropic-ai/sdk` Messages API. With `onDelta`
 * the answer is streamed (text deltas to the live bus, tool input assembled from its JSON
 * fragments); without it, one plain request.
 */
export class AnthropicProvider implements LlmProvider {
  readonly name: string;
  private readonly client: Anthropic;
  private readonly model: string;
  private readonly maxTokens: number;

  constructor(options: AnthropicProviderOptions) {
    this.name = `anthropic:${options.model}`;
    this.model = options.model;
    this.maxTokens = options.maxTokens ?? DEFAULT_MAX_TOKENS;
    this.client = new Anthropic({
      apiKey: options.apiKey,
      baseURL: options.baseURL ?? ANTHROPIC_API_URL,
      // Retries are the runtime's: it sees `retryable`, records each attempt and honours the abort
      // signal. The SDK's own backoff would hide attempts and multiply the runtime's.
      maxRetries: 0,
      timeout: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    });
  }

  async complete(request: LlmRequest, options: CompleteOptions = {}): Promise<LlmResponse> {
    const { signal, onDelta } = options;
    signal?.throwIfAborted();
    const params = this.params(request);
    return guardedCall(
      signal,
      () => (onDelta ? this.streamed(params, onDelta, signal) : this.plain(params, signal)),
      (error) => this.failure(error),
    );
  }

  private async plain(params: RequestParams, signal: AbortSignal | undefined): Promise<LlmResponse> {
    const message = await this.client.messages.create({ ...params, stream: false }, { signal });
    let content = "";
    const toolCalls: LlmToolCall[] = [];
    for (const block of message.content) {
      if (block.type === "text") content += block.text;
      else if (block.type === "tool_use") toolCalls.push({ id: block.id, name: block.name, arguments: block.input });
    }
    return {
      content,
      toolCalls,
      model: message.model,
      usage: usageOf(message.usage),
      stopReason: stopReasonOf(message.stop_reason, toolCalls),
    };
  }

  private async streamed(
    params: RequestParams,
    onDelta: (text: string) => void,
    signal: AbortSignal | undefined,
  ): Promise<LlmResponse> {
    const stream = await this.client.messages.create({ ...params, stream: true }, { signal });
    let model = this.model;
    let stopReason: string | null = null;
    const usage = { input: 0, output: 0 };
    const blocks = new Map<number, Block>();
    for await (const event of guardedStream(stream, this.name, isSdkError)) {
      // Events already read stay buffered after an abort; none of them may reach the live bus.
      if (signal?.aborted) break;
      switch (event.type) {
        case "message_start":
          model = event.message.model;
          usage.input = inputTokensOf(event.message.usage);
          usage.output = event.message.usage.output_tokens;
          break;
        case "content_block_start": {
          const block = event.content_block;
          blocks.set(
            event.index,
            block.type === "text"
              ? { kind: "text", text: block.text }
              : block.type === "tool_use"
                ? { kind: "tool", id: block.id, name: block.name, input: block.input, json: "" }
                : { kind: "other" },
          );
          break;
        }
        case "content_block_delta": {
          const block = blocks.get(event.index);
          if (event.delta.type === "text_delta" && block?.kind === "text") {
            block.text += event.delta.text;
            onDelta(event.delta.text);
          } else if (event.delta.type === "input_json_delta" && block?.kind === "tool") {
            block.json += event.delta.partial_json;
          }
          break;
        }
        case "message_delta":
          stopReason = event.delta.stop_reason;
          // Counts here are totals for the whole message, not increments.
          usage.output = event.usage.output_tokens;
          if (event.usage.input_tokens != null) usage.input = inputTokensOf(event.usage);
          break;
      }
    }
    // The SDK ends a stream quietly when its signal aborts; an aborted call must not pass for a short answer.
    signal?.throwIfAborted();
    if (stopReason === null) {
      throw new LlmProviderError("llm_bad_response", `${this.name}: the stream ended without a stop_reason`, true, {
        provider: this.name,
      });
    }
    let content = "";
    const toolCalls: LlmToolCall[] = [];
    for (const [, block] of [...blocks.entries()].sort(([a], [b]) => a - b)) {
      if (block.kind === "text") content += block.text;
      else if (block.kind === "tool") {
        // Not the SDK's partial-JSON parse: a truncated input must not reach a tool as if it were whole.
        const args = block.json.trim() === "" ? (block.input ?? {}) : parseToolArguments(block.json);
        toolCalls.push({ id: block.id, name: block.name, arguments: args });
      }
    }
    return {
      content,
      toolCalls,
      model,
      usage: { inputTokens: usage.input, outputTokens: usage.output },
      stopReason: stopReasonOf(stopReason, toolCalls),
    };
  }

  private params(request: LlmRequest): RequestParams {
    return {
      model: this.model,
      max_tokens: request.maxTokens ?? this.maxTokens,
      messages: toMessages(request.messages),
      ...(request.system && { system: request.system }),
      ...(request.tools.length > 0 && {
        tools: request.tools.map((tool) => ({
          name: tool.name,
          description: tool.description,
          input_schema: tool.parameters as Anthropic.Messages.Tool.InputSchema,
        })),
      }),
    };
  }

  private failure(error: unknown): unknown {
    if (!(error instanceof APIError)) return error;
    const connection = error instanceof APIConnectionError;
    const status = error.status;
    const retryable =
      connection ||
      (status !== undefined
        ? isRetryableStatus(status)
        : error.type !== null && RETRYABLE_STREAM_ERRORS.has(error.type));
    const why = connection
      ? "no answer from the server"
      : status === undefined
        ? `error in the stream: ${error.type ?? "unknown"}`
        : `HTTP ${status}`;
    return new LlmProviderError(
      "llm_request_failed",
      `${this.name} request failed (${why}): ${error.message}`,
      retryable,
      {
        provider: this.name,
        status,
        errorType: error.type ?? undefined,
        requestId: error.requestID ?? undefined,
      },
    );
  }
}

/**
 * The conversation as Anthropic wants it: tool calls are `tool_use` blocks of the assistant's turn,
 * tool results `tool_result` blocks of a user turn. Consecutive parts of one role merge into one
 * turn, so the results of parallel calls travel together right after the turn that asked for them.
 * A turn of plain text goes as a string, the form Anthropic's own SDK sends.
 */
function toMessages(messages: readonly LlmMessage[]): Anthropic.Messages.MessageParam[] {
  const turns: { role: "user" | "assistant"; content: Anthropic.Messages.ContentBlockParam[] }[] = [];
  const add = (role: "user" | "assistant", block: Anthropic.Messages.ContentBlockParam) => {
    const last = turns.at(-1);
    if (last?.role === role) last.content.push(block);
    else turns.push({ role, content: [block] });
  };
  for (const message of messages) {
    switch (message.role) {
      case "user":
        add("user", { type: "text", text: message.content });
        break;
      case "tool":
        add("user", { type: "tool_result", tool_use_id: message.toolCallId, content: message.content });
        break;
      case "assistant":
        // The API refuses an empty text block; a turn of tool calls alone has none.
        if (message.content) add("assistant", { type: "text", text: message.content });
        for (const call of message.toolCalls ?? []) {
          add("assistant", { type: "tool_use", id: call.id, name: call.name, input: inputOf(call.arguments) });
        }
        break;
    }
  }
  return turns.map(({ role, content }) =>
    content.length === 1 && content[0]?.type === "text" ? { role, content: content[0].text } : { role, content },
  );
}

// tool_use input must be an object; arguments that never parsed go back wrapped, so the model sees what it sent.
function inputOf(args: unknown): Record<string, unknown> {
  if (typeof args === "object" && args !== null && !Array.isArray(args)) return args as Record<string, unknown>;
  return { _raw: typeof args === "string" ? args : JSON.stringify(args) };
}

function stopReasonOf(stopReason: string | null, toolCalls: readonly LlmToolCall[]): LlmStopReason {
  // Checked first: a cut-off answer may hold half a tool call, and the loop must know it was cut.
  if (stopReason === "max_tokens" || stopReason === "model_context_window_exceeded") return "max_tokens";
  // "stop_sequence", "refusal" and "pause_turn" end the answer with whatever text came before.
  return toolCalls.length > 0 ? "tool_calls" : "end";
}

// Anthropic counts cached prompt tokens apart from input_tokens; the port's input is the whole prompt.
function inputTokensOf(usage: {
  readonly input_tokens: number | null;
  readonly cache_creation_input_tokens?: number | null;
  readonly cache_read_input_tokens?: number | null;
}): number {
  return (usage.input_tokens ?? 0) + (usage.cache_creation_input_tokens ?? 0) + (usage.cache_read_input_tokens ?? 0);
}

function usageOf(usage: Anthropic.Messages.Usage): LlmUsage {
  return { inputTokens: inputTokensOf(usage), outputTokens: usage.output_tokens };
}

const isSdkError = (error: unknown) => error instanceof APIError;
