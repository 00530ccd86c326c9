export { completionOf } from "./child-completion.js";
export { completionPart, completionText } from "./completion-message.js";
export { DEFAULT_RETAINED_COMPLETED } from "./delegation-list.js";
export type { DelegationCompletion, DelegationRecord, DelegationStatus } from "./delegation-record.js";
export {
  DEFAULT_MAX_CONCURRENT_DELEGATIONS,
  type DelegationChildren,
  type DelegationHandle,
  DelegationService,
  type DelegationServiceOptions,
  type DispatchRequest,
  type RecoveryResult,
} from "./delegation-service.js";
export {
  DelegationCapacityError,
  DelegationNotWatchedError,
  DelegationServiceClosedError,
  SessionNotFoundError,
  UnknownDelegationError,
} from "./errors.js";
export type { DeliveredCompletion, IdleHold, ParentTurns } from "./parent-turns.js";
