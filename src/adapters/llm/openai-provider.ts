import OpenAI, { APIConnectionError, APIError } from "openai";
import type {
  ChatCompletionCreateParamsNonStreaming,
  ChatCompletionMessageParam,
  ChatCompletionTool,
} from "openai/resources/chat/completions";
import type { CompletionUsage } from "openai/resources/completions";
import {
  type CompleteOptions,
  type LlmProvider,
  LlmProviderError,
  type LlmRequest,
  type LlmResponse,
  type LlmStopReason,
  type LlmToolCall,
} from "../../domain/ports/llm-provider.js";
import { guardedCall, guardedStream, isRetryableStatus, parseToolArguments } from "./wire.js";

export const OPENAI_API_URL = "https://api.openai.com/v1";

// The SDK refuses to start without a key; local servers (Ollama, llama.cpp, vLLM without --api-key) ignore it.
const PLACEHOLDER_KEY = "no-key";

const DEFAULT_TIMEOUT_MS = 10 * 60_000;

export interface OpenAiProviderOptions {
  readonly model: string;
  /** Absent for a server that needs none; a placeholder is sent then, since the SDK insists on one. */
  readonly apiKey?: string;
  /** An OpenAI-compatible server, e.g. `http://localhost:11434/v1` (Ollama); OpenAI's own API when absent. */
  readonly baseURL?: string;
  /** Cap on answer tokens when the request names none; absent, the server's own default applies. */
  readonly maxTokens?: number;
  /**
   * OpenAI's API refuses `max_tokens` for its reasoning models and wants `max_completion_tokens`;
   * Ollama, llama.cpp and older vLLM read only `max_tokens`. The default follows the base URL.
   */
  readonly maxTokensField?: "max_tokens" | "max_completion_tokens";
  readonly timeoutMs?: number;
}

type RequestParams = Omit<ChatCompletionCreateParamsNonStreaming, "stream">;

/**
 * The OpenAI-compatible adapter (DESIGN §7) on the official `openai` SDK's chat completions: OpenAI
 * itself, or vLLM, Ollama and llama.cpp servers behind a base URL. With `onDelta` the answer is
 * streamed and tool calls are assembled from their fragments; without it, one plain request.
 */
export class OpenAiProvider implements LlmProvider {
  readonly name: string;
  private readonly client: OpenAI;
  private readonly model: string;
  private readonly keyless: boolean;
  private readonly maxTokens: number | undefined;
  private readonly maxTokensField: "max_tokens" | "max_completion_tokens";

  constructor(options: OpenAiProviderOptions) {
    const baseURL = options.baseURL ?? OPENAI_API_URL;
    this.name = `openai:${options.model}`;
    this.model = options.model;
    this.keyless = options.apiKey === undefined;
    this.maxTokens = options.maxTokens;
    this.maxTokensField = options.maxTokensField ?? (isOpenAiItself(baseURL) ? "max_completion_tokens" : "max_tokens");
    this.client = new OpenAI({
      apiKey: options.apiKey ?? PLACEHOLDER_KEY,
      baseURL,
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
    const completion = await this.client.chat.completions.create({ ...params, stream: false }, { signal });
    const choice = completion.choices[0];
    if (!choice) {
      throw new LlmProviderError("llm_bad_response", `${this.name}: the answer has no choices`, false, {
        provider: this.name,
      });
    }
    const toolCalls = (choice.message.tool_calls ?? []).flatMap((call, i) =>
      call.type === "function"
        ? [
            {
              id: call.id || `call_${i}`,
              name: call.function.name,
              arguments: parseToolArguments(call.function.arguments),
            },
          ]
        : [],
    );
    return {
      content: choice.message.content ?? choice.message.refusal ?? "",
      toolCalls,
      model: completion.model,
      usage: usageOf(completion.usage),
      stopReason: stopReasonOf(choice.finish_reason, toolCalls),
    };
  }

  private async streamed(
    params: RequestParams,
    onDelta: (text: string) => void,
    signal: AbortSignal | undefined,
  ): Promise<LlmResponse> {
    const stream = await this.client.chat.completions.create(
      { ...params, stream: true, stream_options: { include_usage: true } },
      { signal },
    );
    let content = "";
    let model = this.model;
    let finish: string | null = null;
    let usage: CompletionUsage | undefined;
    const fragments = new Map<number, { id: string; name: string; arguments: string }>();
    for await (const chunk of guardedStream(stream, this.name, isSdkError)) {
      // Chunks already read stay buffered after an abort; none of them may reach the live bus.
      if (signal?.aborted) break;
      if (chunk.model) model = chunk.model;
      // OpenAI sends usage on a last chunk with no choices; some compatible servers put it elsewhere.
      if (chunk.usage) usage = chunk.usage;
      const choice = chunk.choices[0];
      if (!choice) continue;
      // Some compatible servers send their finishing chunk without a delta.
      const text = choice.delta?.content ?? choice.delta?.refusal ?? "";
      if (text) {
        content += text;
        onDelta(text);
      }
      for (const fragment of choice.delta?.tool_calls ?? []) {
        // A server that sends each call whole in one chunk may leave out the index.
        const index = fragment.index ?? fragments.size;
        const call = fragments.get(index) ?? { id: "", name: "", arguments: "" };
        fragments.set(index, call);
        if (fragment.id) call.id = fragment.id;
        // The name is set, not appended: some servers repeat it in every fragment (the SDK does the same).
        if (fragment.function?.name) call.name = fragment.function.name;
        if (fragment.function?.arguments) call.arguments += fragment.function.arguments;
      }
      if (choice.finish_reason) finish = choice.finish_reason;
    }
    // The SDK ends a stream quietly when its signal aborts; an aborted call must not pass for a short answer.
    signal?.throwIfAborted();
    if (finish === null) {
      throw new LlmProviderError("llm_bad_response", `${this.name}: the stream ended without a finish_reason`, true, {
        provider: this.name,
      });
    }
    const toolCalls = [...fragments.entries()]
      .sort(([a], [b]) => a - b)
      .map(([index, call]) => ({
        id: call.id || `call_${index}`,
        name: call.name,
        arguments: parseToolArguments(call.arguments),
      }));
    return { content, toolCalls, model, usage: usageOf(usage), stopReason: stopReasonOf(finish, toolCalls) };
  }

  private params(request: LlmRequest): RequestParams {
    const maxTokens = request.maxTokens ?? this.maxTokens;
    return {
      model: this.model,
      messages: toMessages(request),
      // OpenAI refuses an empty tools array.
      ...(request.tools.length > 0 && { tools: request.tools.map(toTool) }),
      ...(maxTokens !== undefined &&
        (this.maxTokensField === "max_tokens" ? { max_tokens: maxTokens } : { max_completion_tokens: maxTokens })),
    };
  }

  private failure(error: unknown): unknown {
    if (!(error instanceof APIError)) return error;
    const connection = error instanceof APIConnectionError;
    const status = error.status;
    const retryable = connection || (status !== undefined && isRetryableStatus(status));
    const why = connection
      ? "no answer from the server"
      : status === undefined
        ? "error in the stream"
        : `HTTP ${status}`;
    const hint = this.keyless && (status === 401 || status === 403) ? " (no API key was sent: set OPENAI_API_KEY)" : "";
    return new LlmProviderError(
      "llm_request_failed",
      `${this.name} request failed (${why}): ${error.message}${hint}`,
      retryable,
      { provider: this.name, status, requestId: error.requestID ?? undefined },
    );
  }
}

function toMessages(request: LlmRequest): ChatCompletionMessageParam[] {
  const messages: ChatCompletionMessageParam[] = request.system ? [{ role: "system", content: request.system }] : [];
  for (const message of request.messages) {
    switch (message.role) {
      case "user":
        messages.push({ role: "user", content: message.content });
        break;
      case "assistant":
        messages.push({
          role: "assistant",
          content: message.content,
          ...(message.toolCalls?.length && { tool_calls: message.toolCalls.map(toWireCall) }),
        });
        break;
      case "tool":
        messages.push({ role: "tool", tool_call_id: message.toolCallId, content: message.content });
        break;
    }
  }
  return messages;
}

function toWireCall(call: LlmToolCall) {
  return {
    id: call.id,
    type: "function" as const,
    // Arguments that never parsed are the model's own text (see parseToolArguments): sent back as they came.
    function: {
      name: call.name,
      arguments: typeof call.arguments === "string" ? call.arguments : JSON.stringify(call.arguments),
    },
  };
}

function toTool(tool: LlmRequest["tools"][number]): ChatCompletionTool {
  return {
    type: "function",
    function: { name: tool.name, description: tool.description, parameters: tool.parameters },
  };
}

function stopReasonOf(finish: string | null, toolCalls: readonly LlmToolCall[]): LlmStopReason {
  // Checked first: a cut-off answer may hold half a tool call, and the loop must know it was cut.
  if (finish === "length") return "max_tokens";
  // Some compatible servers finish a tool-call answer with "stop"; the calls themselves decide.
  // "content_filter" ends the answer with whatever text came before it.
  return toolCalls.length > 0 ? "tool_calls" : "end";
}

function usageOf(usage: CompletionUsage | null | undefined) {
  // A server that reports no usage (some compatible ones, when streaming) counts as zero, not as a guess.
  return { inputTokens: usage?.prompt_tokens ?? 0, outputTokens: usage?.completion_tokens ?? 0 };
}

function isOpenAiItself(baseURL: string): boolean {
  return URL.canParse(baseURL) && new URL(baseURL).hostname === "api.openai.com";
}

const isSdkError = (error: unknown) => error instanceof APIError;
