import { z } from "zod";
import { ColonyName, Id, NonNegativeInt, ReportStatus } from "./fields.js";

export const SessionPhase = z.enum(["independent", "incubating", "working", "reviewing"]);

const Provenance = z.discriminatedUnion("kind", [
  z.strictObject({ kind: z.literal("new") }),
  z.strictObject({ kind: z.literal("resumed"), fromSessionId: Id }),
  z.strictObject({ kind: z.literal("compacted"), fromSessionId: Id }),
  z.strictObject({ kind: z.literal("forked"), fromSessionId: Id }),
]);

export const sessionEvents = {
  SessionStarted: z.strictObject({
    sessionId: Id,
    queenId: Id,
    conversationId: Id,
    colonyId: Id.nullable(),
    phase: SessionPhase,
    provenance: Provenance,
  }),
  SessionPhaseChanged: z.strictObject({ phase: SessionPhase, previousPhase: SessionPhase }),
  SessionLocked: z.strictObject({ colonyId: Id, colonyName: ColonyName }),
  ColonySpawned: z.strictObject({
    colonyId: Id,
    colonyName: ColonyName,
    conversationId: Id,
    taskCount: NonNegativeInt,
  }),
  DelegationDispatched: z.strictObject({
    delegationId: Id,
    goal: z.string().min(1),
    context: z.string(),
    workerId: Id,
  }),
  DelegationCompleted: z.strictObject({
    delegationId: Id,
    status: ReportStatus,
    summary: z.string(),
    error: z.string().nullable(),
    durationMs: NonNegativeInt,
    modelCalls: NonNegativeInt,
    exitReason: z.string(),
  }),
  DelegationInterrupted: z.strictObject({ delegationId: Id, reason: z.string() }),
  DelegationDelivered: z.strictObject({
    delegationId: Id,
    conversationId: Id,
    seq: NonNegativeInt,
  }),
};
