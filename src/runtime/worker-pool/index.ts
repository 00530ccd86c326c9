export { ClaimTools } from "./claim-tools.js";
export { HandlerFinishedError, isLostClaim, WorkerStoppingError } from "./errors.js";
export { checkHandlerReport, type HandlerReport } from "./handler-report.js";
export type { TaskOutcome } from "./run-claimed-task.js";
export type { HandlerSopItem, HandlerStep, HandlerTask, TaskHandler, TaskTools } from "./task-handler.js";
export {
  DEFAULT_POLL_INTERVAL_MS,
  DEFAULT_RECLAIM_INTERVAL_MS,
  DEFAULT_STALE_AFTER_MS,
  type PoolLedger,
  type PoolSummary,
  WorkerPool,
  type WorkerPoolOptions,
} from "./worker-pool.js";
