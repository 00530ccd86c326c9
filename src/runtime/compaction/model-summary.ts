import type { LlmProvider, LlmRequest } from "../../domain/ports/llm-provider.js";
import type { Timers } from "../../domain/ports/timers.js";
import type { LivePart } from "../../projections/conversations/live-context.js";
import { CompactionSummaryError } from "./errors.js";

export interface ModelSummaryOptions {
  readonly timers: Timers;
  /** The call is abandoned after this long. */
  readonly timeoutMs: number;
  /** The caller's own abort (the agent was stopped): rethrown as is, never a model failure. */
  readonly signal?: AbortSignal;
  /** Cap on the summary's tokens. Default 2,048. */
  readonly maxTokens?: number;
  /** Each part's text is cut to this many characters in the transcript. Default 8,000. */
  readonly maxPartChars?: number;
}

export const DEFAULT_SUMMARY_MAX_TOKENS = 2_048;
const DEFAULT_MAX_PART_CHARS = 8_000;

type SummarisedPart = Pick<LivePart, "seq" | "role" | "content" | "toolCalls"> & { readonly summary?: true };

export const SUMMARY_SYSTEM_PROMPT = [
  "You compress the history of a conversation between a person, an AI agent and its tools so the agent can carry on",
  "with a shorter context. Write a concise summary in plain text: what the person asked for (keep their requests and",
  "constraints close to their own words), what has been done and found (decisions, results, file names, ids, numbers),",
  "what is still open, and what the agent was about to do. Leave out greetings and repetition. Answer with the summary only.",
].join(" ");

function cut(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max)} … [${text.length - max} characters cut]`;
}

/**
 * The transcript as one text, rather than as chat messages: a cut history may start with tool
 * results or end on tool calls, which chat APIs refuse as messages but read fine as text.
 */
export function transcript(parts: readonly SummarisedPart[], maxPartChars = DEFAULT_MAX_PART_CHARS): string {
  return parts
    .map((part) => {
      if (part.summary === true)
        return `[summary of the conversation before this point]\n${cut(part.content, maxPartChars)}`;
      const calls = (part.toolCalls ?? []).map(
        (c) => `\n  -> calls ${c.name}(${cut(JSON.stringify(c.arguments) ?? "", 1_000)})`,
      );
      return `[${part.seq}] ${part.role}: ${cut(part.content, maxPartChars)}${calls.join("")}`;
    })
    .join("\n\n");
}

export function summaryRequest(
  parts: readonly SummarisedPart[],
  options: Pick<ModelSummaryOptions, "maxTokens" | "maxPartChars"> = {},
): LlmRequest {
  return {
    system: SUMMARY_SYSTEM_PROMPT,
    messages: [
      {
        role: "user",
        content: `Summarise this conversation history:\n\n${transcript(parts, options.maxPartChars)}`,
      },
    ],
    tools: [],
    maxTokens: options.maxTokens ?? DEFAULT_SUMMARY_MAX_TOKENS,
  };
}

/** Rejects with the signal's reason once it aborts, for racing a promise that may ignore it. */
function abortion(signal: AbortSignal): Promise<never> {
  return new Promise((_, reject) => {
    if (signal.aborted) reject(signal.reason);
    else signal.addEventListener("abort", () => reject(signal.reason), { once: true });
  });
}

/**
 * Asks the model for a summary of the parts. The timeout aborts the call's signal and also stops
 * waiting, so a provider that ignores its signal (a hung local endpoint) cannot hold compaction.
 * Rejects with a CompactionSummaryError (timeout, failed, empty), or the caller's abort reason.
 */
export async function modelSummary(
  provider: LlmProvider,
  parts: readonly SummarisedPart[],
  options: ModelSummaryOptions,
): Promise<string> {
  const { signal, timeoutMs } = options;
  signal?.throwIfAborted();
  const controller = new AbortController();
  const timeout = new CompactionSummaryError(
    "compaction_summary_timeout",
    `${provider.name} gave no summary within ${timeoutMs} ms`,
    { provider: provider.name, timeoutMs },
  );
  const timer = options.timers.schedule(timeoutMs, () => controller.abort(timeout));
  const onAbort = () => controller.abort(signal?.reason);
  signal?.addEventListener("abort", onAbort, { once: true });
  try {
    const answer = await Promise.race([
      provider.complete(summaryRequest(parts, options), { signal: controller.signal }),
      abortion(controller.signal),
    ]);
    const text = answer.content.trim();
    if (text === "") {
      throw new CompactionSummaryError("compaction_summary_empty", `${provider.name} answered without a summary`, {
        provider: provider.name,
        stopReason: answer.stopReason,
      });
    }
    return text;
  } catch (error) {
    if (signal?.aborted) throw signal.reason;
    if (error instanceof CompactionSummaryError) throw error;
    if (controller.signal.reason === timeout) throw timeout;
    const message = error instanceof Error ? error.message : String(error);
    throw new CompactionSummaryError("compaction_summary_failed", `${provider.name} failed to summarise: ${message}`, {
      provider: provider.name,
      cause: message,
      ...(error instanceof Error && "code" in error ? { causeCode: (error as { code: unknown }).code } : {}),
    });
  } finally {
    timer.cancel();
    signal?.removeEventListener("abort", onAbort);
  }
}
