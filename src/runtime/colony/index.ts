export {
  ColonyRuntime,
  type OverseerSpec,
  type SpawnSpec,
  type StopAllOptions,
  type WaitOptions,
  type WorkerInfo,
} from "./colony-runtime.js";
export type { ColonyRuntimeOptions } from "./options.js";
export {
  type BrainReport,
  FatalWorkerError,
  type JsonRecord,
  type JsonValue,
  type Profile,
  type Tokens,
  type WorkerBrain,
  type WorkerContext,
} from "./worker-brain.js";
export type { SpawnedWorker } from "./worker-handle.js";
export type { ReportStatus, WorkerReport } from "./worker-report.js";
