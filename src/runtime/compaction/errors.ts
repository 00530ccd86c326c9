import { ColonyError } from "../../domain/errors.js";

export type SummaryErrorCode = "compaction_summary_timeout" | "compaction_summary_failed" | "compaction_summary_empty";

/** The model gave no usable summary; the compactor falls back to the extractive one. */
export class CompactionSummaryError extends ColonyError<SummaryErrorCode> {}

/** The conversation kept moving while its live context was read, so no consistent cut was found. */
export class ConversationBusyError extends ColonyError<"conversation_busy"> {
  constructor(
    readonly conversationId: string,
    readonly attempts: number,
  ) {
    super("conversation_busy", `conversation ${conversationId} changed during each of ${attempts} reads`, {
      conversationId,
      attempts,
    });
  }
}
