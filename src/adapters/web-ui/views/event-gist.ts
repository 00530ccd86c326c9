import type { LogEvent } from "../event-stream.js";

/** The fields that say most about an event, in the order they are looked for. */
const TELLING = [
  "content",
  "goal",
  "summary",
  "task",
  "label",
  "reason",
  "name",
  "status",
  "error",
  "workerId",
] as const;
const MAX = 140;

const clip = (text: string) => (text.length > MAX ? `${text.slice(0, MAX - 1)}…` : text);

/** One line about an event's data for the timeline: its most telling text field, or its JSON. */
export function eventGist(event: LogEvent): string {
  const data = (event.data ?? {}) as Record<string, unknown>;
  if (event.type === "MessagePartAppended") {
    const calls = Array.isArray(data.toolCalls) ? data.toolCalls.length : 0;
    const content = typeof data.content === "string" ? data.content : "";
    return clip(`${String(data.role)} #${String(data.seq)}: ${content || (calls > 0 ? `${calls} tool call(s)` : "")}`);
  }
  for (const key of TELLING) {
    const value = data[key];
    if (typeof value === "string" && value !== "") return clip(`${key}: ${value.replace(/\s+/g, " ")}`);
  }
  return clip(JSON.stringify(data));
}
