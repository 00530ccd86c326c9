import { z } from "zod";
import { CommandRefusedError } from "../../domain/deciders/refusal.js";
import { ColonyError, type FieldIssue } from "../../domain/errors.js";
import { issuesOf } from "../../domain/events/zod-issues.js";

/** The one error shape of every route. */
export const ApiErrorBody = z.strictObject({
  error: z.strictObject({
    code: z.string(),
    message: z.string(),
    details: z.record(z.string(), z.unknown()),
  }),
});
export type ApiErrorBody = z.infer<typeof ApiErrorBody>;

/** An answer that is not a success: a status and the error body. */
export class ApiError extends ColonyError {
  constructor(
    readonly status: number,
    code: string,
    message: string,
    details: Record<string, unknown> = {},
  ) {
    super(code, message, details);
  }

  get body(): ApiErrorBody {
    return { error: { code: this.code, message: this.message, details: this.details } };
  }
}

/** A request part that does not fit its schema; the message names each field. */
export function invalidRequest(part: "params" | "query" | "body", error: z.ZodError): ApiError {
  const issues: FieldIssue[] = issuesOf(error, part);
  return new ApiError(400, "invalid_request", issues.map((i) => `${i.path}: ${i.message}`).join("; "), { issues });
}

const NOT_FOUND = /(^unknown_|_not_found$|^no_)/;
const CONFLICT = /(conflict|_already_|_taken$|_busy$|capacity|_locked$|retries_exhausted)/;
const UNAUTHORIZED = /^(unauthorized|webhook_signature_|webhook_requires_signature)/;

/**
 * How a failure answers: the API's own errors as they are; domain errors by their stable code
 * (unknown → 404, a conflict, a lock or a full capacity → 409, any other refused command, a rule
 * broken, → 422, bad input → 400); anything else is the server's fault, 500, without its details.
 */
export function apiErrorOf(error: unknown): ApiError {
  if (error instanceof ApiError) return error;
  if (error instanceof ColonyError) {
    const { code, message, details } = error;
    if (UNAUTHORIZED.test(code)) return new ApiError(401, code, message, details);
    if (NOT_FOUND.test(code)) return new ApiError(404, code, message, details);
    if (CONFLICT.test(code)) return new ApiError(409, code, message, details);
    if (error instanceof CommandRefusedError) return new ApiError(422, code, message, details);
    return new ApiError(400, code, message, details);
  }
  return new ApiError(500, "internal_error", "the server failed to answer; see its log");
}
