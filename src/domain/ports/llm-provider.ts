import { ColonyError } from "../errors.js";

/**
 * The model behind an agent (DESIGN §7). One request is one model call: the system prompt, the
 * conversation so far and the tools on offer; the answer is text, tool calls, or both. Adapters
 * translate to and from a vendor's wire format; nothing above them knows which one is in use.
 */

/** A tool call as the model asked for it; `arguments` is parsed JSON (adapters parse the wire's string). */
export interface LlmToolCall {
  readonly id: string;
  readonly name: string;
  readonly arguments: unknown;
}

export type LlmMessage =
  | { readonly role: "user"; readonly content: string }
  | { readonly role: "assistant"; readonly content: string; readonly toolCalls?: readonly LlmToolCall[] }
  | { readonly role: "tool"; readonly toolCallId: string; readonly content: string };

/** A tool the model may call: its input as a JSON Schema object (from the tool's zod schema). */
export interface LlmToolSpec {
  readonly name: string;
  readonly description: string;
  readonly parameters: Readonly<Record<string, unknown>>;
}

export interface LlmRequest {
  readonly system: string;
  readonly messages: readonly LlmMessage[];
  readonly tools: readonly LlmToolSpec[];
  /** Cap on the answer's tokens; the adapter's default when absent. */
  readonly maxTokens?: number;
}

export interface LlmUsage {
  readonly inputTokens: number;
  readonly outputTokens: number;
}

export type LlmStopReason = "end" | "tool_calls" | "max_tokens";

export interface LlmResponse {
  readonly content: string;
  readonly toolCalls: readonly LlmToolCall[];
  /** The model that answered, as the vendor names it. */
  readonly model: string;
  readonly usage: LlmUsage;
  readonly stopReason: LlmStopReason;
}

export interface CompleteOptions {
  /** Aborts the call: the promise rejects with the signal's reason. */
  readonly signal?: AbortSignal;
  /** Text as it streams in (ephemeral: the live bus, never the log). */
  readonly onDelta?: (text: string) => void;
}

export interface LlmProvider {
  /** e.g. `scripted`, `openai:gpt-4o-mini`, `anthropic:claude-sonnet-4-5`. */
  readonly name: string;
  complete(request: LlmRequest, options?: CompleteOptions): Promise<LlmResponse>;
}

export type LlmErrorCode =
  | "llm_missing_api_key"
  | "llm_unknown_provider"
  | "llm_request_failed"
  | "llm_bad_response"
  | "llm_script_exhausted";

/** A provider failure, with a stable code; `retryable` says whether the same call may succeed later. */
export class LlmProviderError extends ColonyError<LlmErrorCode> {
  constructor(
    code: LlmErrorCode,
    message: string,
    readonly retryable: boolean,
    details: Record<string, unknown> = {},
  ) {
    super(code, message, details);
  }
}
