export { type CompactionBoundary, compactionBoundary } from "./boundary.js";
export {
  type BreakerState,
  CircuitBreaker,
  type CircuitBreakerOptions,
  DEFAULT_COOLDOWN_MS,
  DEFAULT_FAILURE_THRESHOLD,
} from "./circuit-breaker.js";
export {
  type Compacted,
  type CompactedFork,
  type CompactionFacts,
  type CompactionOutcome,
  type CompactOptions,
  Compactor,
  type CompactorOptions,
  DEFAULT_KEEP_LAST,
  type ForkSpec,
  type NotCompacted,
} from "./compactor.js";
export { CompactionSummaryError, ConversationBusyError, type SummaryErrorCode } from "./errors.js";
export { DEFAULT_EXTRACTIVE_MAX_CHARS, type ExtractiveOptions, extractiveSummary } from "./extractive-summary.js";
export {
  type ModelSummaryOptions,
  modelSummary,
  SUMMARY_SYSTEM_PROMPT,
  summaryRequest,
  transcript,
} from "./model-summary.js";
export { type ContextSnapshot, conversationLimits, snapshot } from "./snapshot.js";
export {
  DEFAULT_SUMMARY_TIMEOUT_MS,
  type FallbackReason,
  Summariser,
  type SummariserOptions,
  type Summary,
} from "./summariser.js";
export { compactionThreshold, needsCompaction } from "./threshold.js";
export {
  CHARS_PER_TOKEN,
  estimateContextTokens,
  estimatePartsTokens,
  estimatePartTokens,
  estimateTextTokens,
  MESSAGE_OVERHEAD_TOKENS,
} from "./token-estimate.js";
