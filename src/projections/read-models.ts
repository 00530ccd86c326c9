import { type ColoniesReadModel, coloniesProjection } from "./colonies/colonies-projection.js";
import { type DelegationsReadModel, delegationsProjection } from "./colonies/delegations-projection.js";
import { type IdempotencyKeysReadModel, idempotencyKeysProjection } from "./colonies/idempotency-keys-projection.js";
import { type SessionsReadModel, sessionsProjection } from "./colonies/sessions-projection.js";
import { type TriggersReadModel, triggersProjection } from "./colonies/triggers-projection.js";
import { type ConversationsReadModel, conversationsProjection } from "./conversations/conversations-projection.js";
import { type LedgerReadModel, ledgerProjection } from "./ledger/ledger-projection.js";
import type { AnyProjection } from "./projection.js";
import { type WorkersReadModel, workersProjection } from "./workers/workers-projection.js";

/** Every read-model table, for typed Kysely reads. */
export type ReadModels = WorkersReadModel &
  ConversationsReadModel &
  LedgerReadModel &
  ColoniesReadModel &
  TriggersReadModel &
  SessionsReadModel &
  DelegationsReadModel &
  IdempotencyKeysReadModel;

/** Every projection colonylog keeps, in the order they are created. */
export const allProjections: readonly AnyProjection[] = [
  workersProjection,
  conversationsProjection,
  ledgerProjection,
  coloniesProjection,
  triggersProjection,
  sessionsProjection,
  delegationsProjection,
  idempotencyKeysProjection,
];
