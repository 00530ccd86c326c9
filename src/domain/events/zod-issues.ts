import type { z } from "zod";
import type { FieldIssue } from "../errors.js";

/** Flattens a zod error into `path: message` pairs, the path rooted at `root`. */
export function issuesOf(error: z.ZodError, root = ""): FieldIssue[] {
  return error.issues.map((issue) => ({
    path: [root, ...issue.path.map(String)].filter((p) => p !== "").join("."),
    message: issue.message,
  }));
}
