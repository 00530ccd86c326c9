import {
  type CompleteOptions,
  type LlmProvider,
  LlmProviderError,
  type LlmRequest,
  type LlmResponse,
  type LlmUsage,
} from "../../domain/ports/llm-provider.js";

/** One scripted answer: text, tool calls (ids made up when absent), or both. */
export interface ScriptedTurn {
  readonly content?: string;
  readonly toolCalls?: readonly { readonly name: string; readonly arguments: unknown; readonly id?: string }[];
  readonly usage?: LlmUsage;
}

/** Answers by position in a list, or by a function of the request (what the conversation says so far). */
export type Script = readonly ScriptedTurn[] | ((request: LlmRequest, call: number) => ScriptedTurn);

/**
 * The deterministic model (DESIGN §7): tests, the demo and replays run on it with no key and no
 * network. Usage is estimated from the characters in and out, so token counts are plausible
 * and repeatable; text is streamed to `onDelta` word by word, as a real model would.
 */
export class ScriptedProvider implements LlmProvider {
  readonly name: string;
  private calls = 0;

  constructor(
    private readonly script: Script,
    options: { readonly model?: string } = {},
  ) {
    this.name = `scripted${options.model ? `:${options.model}` : ""}`;
  }

  /** Model calls answered so far. */
  get callCount(): number {
    return this.calls;
  }

  async complete(request: LlmRequest, options: CompleteOptions = {}): Promise<LlmResponse> {
    options.signal?.throwIfAborted();
    const call = this.calls;
    const turn = typeof this.script === "function" ? this.script(request, call) : this.script[call];
    if (!turn) {
      throw new LlmProviderError(
        "llm_script_exhausted",
        `the scripted model has ${(this.script as readonly ScriptedTurn[]).length} answers; call ${call + 1} has none`,
        false,
        { call },
      );
    }
    this.calls++;
    const content = turn.content ?? "";
    if (options.onDelta) for (const word of content.match(/\S+\s*/g) ?? []) options.onDelta(word);
    const toolCalls = (turn.toolCalls ?? []).map((c, i) => ({
      id: c.id ?? `call_${call}_${i}`,
      name: c.name,
      arguments: c.arguments,
    }));
    return {
      content,
      toolCalls,
      model: this.name,
      usage: turn.usage ?? {
        inputTokens: estimateTokens(request),
        outputTokens: Math.ceil((content.length + (toolCalls.length > 0 ? JSON.stringify(toolCalls).length : 0)) / 4),
      },
      stopReason: toolCalls.length > 0 ? "tool_calls" : "end",
    };
  }
}

function estimateTokens(request: LlmRequest): number {
  let chars = request.system.length;
  for (const message of request.messages) chars += message.content.length + 4;
  return Math.ceil(chars / 4);
}
