import type { WorkerReport } from "../colony/worker-report.js";
import type { DelegationCompletion } from "./delegation-record.js";

type Figures = Record<string, unknown>;

function figuresOf(report: WorkerReport): Figures {
  const { data } = report;
  return typeof data === "object" && data !== null && !Array.isArray(data) ? data : {};
}

/**
 * The agent brain reports its run's figures in the report's data (`model_calls`, `exit`); a
 * plain-function brain may give none, and then made no model call that anything counted.
 */
function modelCallsOf(figures: Figures): number {
  for (const key of ["model_calls", "modelCalls"]) {
    const value = figures[key];
    if (typeof value === "number" && Number.isInteger(value) && value >= 0) return value;
  }
  return 0;
}

function exitOf(figures: Figures): string | undefined {
  for (const key of ["exit", "exitReason", "exit_reason"]) {
    const value = figures[key];
    if (typeof value === "string" && value.length > 0) return value;
  }
  return undefined;
}

const EXIT_BY_STATUS: Record<WorkerReport["status"], string> = {
  success: "completed",
  partial: "completed",
  failed: "error",
  timeout: "timeout",
  stopped: "stopped",
};

/**
 * A child's report as its delegation's completion. A child stopped because its delegation was
 * interrupted exits `interrupted`; one that reported on its own before the interrupt took hold
 * keeps its own result, since that is what happened.
 */
export function completionOf(report: WorkerReport, interrupted: boolean): DelegationCompletion {
  const figures = figuresOf(report);
  const exitReason =
    interrupted && report.status === "stopped" ? "interrupted" : (exitOf(figures) ?? EXIT_BY_STATUS[report.status]);
  return {
    status: report.status,
    summary: report.summary,
    error: report.error,
    durationMs: Math.max(0, Math.round(report.durationMs)),
    modelCalls: modelCallsOf(figures),
    exitReason,
  };
}
