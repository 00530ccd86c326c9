/**
 * The advisory locks of the PostgreSQL log, in the two-integer key space (pg_locks shows them with
 * `objsubid = 2`, apart from single-bigint keys such as the projection store's). Advisory locks
 * are scoped to one database, so two logs on one server never share them.
 */
const NAMESPACE = 0x636f6c6f; // "colo"

export interface AdvisoryLock {
  readonly classid: number;
  readonly objid: number;
}

/**
 * Held by every append transaction from before its transaction id exists until it ends: shared
 * by appends that fold nothing inline, exclusive by those that do (commit-order.ts says why).
 */
export const LOG_WRITERS: AdvisoryLock = { classid: NAMESPACE, objid: 1 };

/** Serialises schema migrations across processes opening the log at once. */
export const LOG_SCHEMA: AdvisoryLock = { classid: NAMESPACE, objid: 2 };

export const lockArguments = (lock: AdvisoryLock) => `${lock.classid}, ${lock.objid}`;
