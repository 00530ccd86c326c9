import { z } from "zod";
import { workerEvents } from "../../domain/events/worker.js";
import { issuesOf } from "../../domain/events/zod-issues.js";
import type { BrainReport, JsonValue, Tokens } from "./worker-brain.js";

export type ReportStatus = "success" | "partial" | "failed" | "timeout" | "stopped";

/** One worker's outcome, as `WorkerReported` records it, with the worker it belongs to. */
export interface WorkerReport {
  readonly workerId: string;
  readonly status: ReportStatus;
  readonly summary: string;
  readonly data: JsonValue;
  readonly error: string | null;
  readonly durationMs: number;
  readonly tokens: Tokens;
}

/** The data of a `WorkerReported` event: a report without its worker. */
export type ReportData = Omit<WorkerReport, "workerId">;

export const NO_TOKENS: Tokens = { inputTokens: 0, outputTokens: 0 };

const reported = workerEvents.WorkerReported.shape;
const BrainReportSchema = z.strictObject({
  status: z.enum(["success", "partial", "failed"]),
  summary: reported.summary,
  data: reported.data.optional(),
  error: reported.error.optional(),
  tokens: reported.tokens.optional(),
});

/**
 * Checks what a brain returned before it goes near the log, so a bad report (data that is not
 * JSON, a status only the runtime may give) is named for what it is rather than surfacing as a
 * refused append. Returns the report data, or the reason it is not one.
 */
export function checkBrainReport(
  value: unknown,
  durationMs: number,
): { ok: true; report: ReportData } | { ok: false; reason: string } {
  const parsed = BrainReportSchema.safeParse(value);
  if (!parsed.success) {
    const why = issuesOf(parsed.error)
      .map((i) => (i.path ? `${i.path}: ${i.message}` : i.message))
      .join("; ");
    return { ok: false, reason: `the brain returned an invalid report (${why})` };
  }
  const r: BrainReport = parsed.data;
  return {
    ok: true,
    report: {
      status: r.status,
      summary: r.summary,
      data: r.data ?? null,
      error: r.error ?? null,
      durationMs,
      tokens: r.tokens ?? NO_TOKENS,
    },
  };
}

/** A report the runtime writes itself: stopped, timed out, crashed past its cap, interrupted. */
export function runtimeReport(
  status: ReportStatus,
  summary: string,
  error: string | null,
  durationMs: number,
): ReportData {
  return { status, summary, data: null, error, durationMs, tokens: NO_TOKENS };
}

/** What wait() answers for an id this colony has no worker for. */
export function notFoundReport(workerId: string, colonyId: string, error = "no_such_worker"): WorkerReport {
  const summary =
    error === "no_such_worker"
      ? `no worker ${workerId} in colony ${colonyId}`
      : `worker ${workerId} has not reported and no runtime of colony ${colonyId} here is running it`;
  return { workerId, ...runtimeReport("failed", summary, error, 0) };
}

export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message || error.name;
  return String(error);
}
