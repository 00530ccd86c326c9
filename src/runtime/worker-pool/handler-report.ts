import { z } from "zod";
import { Json } from "../../domain/events/fields.js";
import { issuesOf } from "../../domain/events/zod-issues.js";
import type { JsonValue } from "../colony/worker-brain.js";

/** Strict, so a misspelt key (`sumary`) is named instead of silently dropped. */
const HandlerReportSchema = z.strictObject({
  status: z.enum(["success", "failed"]),
  summary: z.string().min(1),
  data: Json.optional(),
});

export interface HandlerReport {
  readonly status: "success" | "failed";
  readonly summary: string;
  readonly data: JsonValue | null;
}

/** What a handler returned, as a report, or the reason it is not one in the words of its fields. */
export function checkHandlerReport(
  value: unknown,
): { ok: true; report: HandlerReport } | { ok: false; reason: string } {
  const parsed = HandlerReportSchema.safeParse(value);
  if (!parsed.success) {
    const why = issuesOf(parsed.error, "report")
      .map((i) => `${i.path}: ${i.message}`)
      .join("; ");
    return { ok: false, reason: `the handler returned an invalid report (${why})` };
  }
  const { status, summary, data } = parsed.data;
  return { ok: true, report: { status, summary, data: data ?? null } };
}
