import type { Clock } from "../../domain/ports/clock.js";
import type { LlmProvider } from "../../domain/ports/llm-provider.js";
import type { Timers } from "../../domain/ports/timers.js";
import type { LivePart } from "../../projections/conversations/live-context.js";
import { CircuitBreaker } from "./circuit-breaker.js";
import { CompactionSummaryError, type SummaryErrorCode } from "./errors.js";
import { extractiveSummary } from "./extractive-summary.js";
import { modelSummary } from "./model-summary.js";

export interface SummariserOptions {
  /** The model to summarise with; without one every summary is extractive. */
  readonly provider?: LlmProvider | null;
  readonly clock: Clock;
  readonly timers: Timers;
  /** How long a summary call may take. Default 180 s, the original runtime's compaction cap. */
  readonly timeoutMs?: number;
  /** Shared by every compaction that uses the same model; a new one (3 failures, 5 min) by default. */
  readonly breaker?: CircuitBreaker;
  readonly maxSummaryTokens?: number;
  readonly maxExtractiveChars?: number;
}

export const DEFAULT_SUMMARY_TIMEOUT_MS = 180_000;

/** Why the model's summary was not used. */
export type FallbackReason = "no_provider" | "breaker_open" | "timeout" | "failed" | "empty";

export interface Summary {
  readonly text: string;
  readonly method: "llm" | "extractive";
  /** Null when the model's summary was used. */
  readonly fallbackReason: FallbackReason | null;
  /** The model's failure, when there was one. */
  readonly error: CompactionSummaryError | null;
}

type SummarisedPart = Pick<LivePart, "seq" | "role" | "content" | "toolCalls"> & { readonly summary?: true };

const REASONS: Record<SummaryErrorCode, FallbackReason> = {
  compaction_summary_timeout: "timeout",
  compaction_summary_failed: "failed",
  compaction_summary_empty: "empty",
};

/**
 * Summaries for compaction: the model's when it answers in time, the extractive one otherwise.
 * Compaction never fails for want of a model: a timeout, an error or an empty answer counts
 * against the breaker and falls back; an open breaker falls back without calling. Only the
 * caller's own abort propagates.
 */
export class Summariser {
  readonly breaker: CircuitBreaker;
  private readonly provider: LlmProvider | null;

  constructor(private readonly options: SummariserOptions) {
    this.provider = options.provider ?? null;
    this.breaker = options.breaker ?? new CircuitBreaker({ clock: options.clock });
  }

  async summarise(parts: readonly SummarisedPart[], signal?: AbortSignal): Promise<Summary> {
    const count = parts.filter((p) => p.summary !== true).length;
    if (this.provider === null) return this.extractive(parts, "no_provider", null);
    if (!this.breaker.tryAcquire()) return this.extractive(parts, "breaker_open", null);
    try {
      const text = await modelSummary(this.provider, parts, {
        timers: this.options.timers,
        timeoutMs: this.options.timeoutMs ?? DEFAULT_SUMMARY_TIMEOUT_MS,
        signal,
        maxTokens: this.options.maxSummaryTokens,
      });
      this.breaker.recordSuccess();
      // The same opening as the extractive summary: the live context shows it as a user turn,
      // and the agent must not take it for something the person just said.
      return {
        text: `Summary of ${count} earlier messages:\n${text}`,
        method: "llm",
        fallbackReason: null,
        error: null,
      };
    } catch (error) {
      if (!(error instanceof CompactionSummaryError)) {
        // The caller aborted: that says nothing about the model.
        this.breaker.release();
        throw error;
      }
      this.breaker.recordFailure();
      return this.extractive(parts, REASONS[error.code], error);
    }
  }

  private extractive(
    parts: readonly SummarisedPart[],
    reason: FallbackReason,
    error: CompactionSummaryError | null,
  ): Summary {
    return {
      text: extractiveSummary(parts, { maxChars: this.options.maxExtractiveChars }),
      method: "extractive",
      fallbackReason: reason,
      error,
    };
  }
}
