import { z } from "zod";
import { Id, Timestamp } from "./fields.js";

export const idempotencyEvents = {
  IdempotencyKeyRecorded: z.strictObject({
    scope: Id,
    key: z.string().min(1),
    // What the first request produced, so a retry answers with it instead of acting again.
    result: z.strictObject({ kind: z.enum(["worker", "firing", "task", "session"]), id: Id }),
    expiresAt: Timestamp,
  }),
};
