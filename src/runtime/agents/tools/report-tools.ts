import { z } from "zod";
import { defineTool, jsonResult, type Tool } from "../tool.js";

/** How a worker ends its run with a result for whoever spawned it. */
export const reportToParent: Tool = defineTool({
  name: "report_to_parent",
  description: "Finish your task: report its status, a short summary and any data to your parent.",
  replayable: true,
  input: z.strictObject({
    status: z.enum(["success", "partial", "failed"]),
    summary: z.string().min(1),
    data: z.json().optional(),
  }),
  run: async ({ status, summary, data }) =>
    jsonResult({ reported: status }, { kind: "report", status, summary, data: data ?? null }),
});

/** How a worker gives up on something it cannot decide alone: the run ends, the reason goes up. */
export const escalate: Tool = defineTool({
  name: "escalate",
  description: "Stop and hand a question or blocker to your parent when you cannot go on alone.",
  replayable: true,
  input: z.strictObject({ reason: z.string().min(1) }),
  run: async ({ reason }) => jsonResult({ escalated: true }, { kind: "escalate", reason }),
});
