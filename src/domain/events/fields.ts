import { z } from "zod";

/** Field schemas shared by several event types. */

export const Id = z
  .string()
  .regex(/^[A-Za-z0-9_.:~@+=-]{1,200}$/, "expected an id (1-200 of A-Z a-z 0-9 _ . : ~ @ + = -)");
export const Timestamp = z.iso.datetime({ offset: true });
export const NonNegativeInt = z.number().int().nonnegative();
export const PositiveInt = z.number().int().positive();
export const Json = z.json();
export const JsonObject = z.record(z.string(), Json);
export const ColonyName = z.string().regex(/^[a-z0-9_]+$/, "expected lowercase letters, digits and _");

export const TokenUsage = z.strictObject({
  inputTokens: NonNegativeInt,
  outputTokens: NonNegativeInt,
});

export const LoopConfig = z.strictObject({
  maxIterations: PositiveInt.optional(),
  maxContextTokens: PositiveInt.optional(),
  compactionBufferTokens: NonNegativeInt.optional(),
  compactionRatio: z.number().min(0).max(1).optional(),
  timeoutSeconds: z.number().positive().optional(),
});

export const WorkerProfile = z.strictObject({
  systemPrompt: z.string(),
  toolNames: z.array(z.string().min(1)),
  loopConfig: LoopConfig,
  inputData: JsonObject,
});

/** How a worker's run ended; a background delegation runs as a worker, so it ends the same ways. */
export const ReportStatus = z.enum(["success", "partial", "failed", "timeout", "stopped"]);
