import type { NewEvent } from "../../../src/domain/envelope.js";
import type { EventInput, EventType } from "../../../src/domain/events/catalogue.js";
import { sample } from "../../support/sample-events.js";

/** Second `n` of a fixed minute, so the tests can name the timestamps they expect. */
export const time = (n: number) => new Date(Date.UTC(2026, 3, 1, 12, 0, n)).toISOString();

/** A sample event recorded at `time(n)`. */
export function at<T extends EventType>(n: number, type: T, overrides: Partial<EventInput<T>> = {}): NewEvent<T> {
  return { ...sample(type, overrides), metadata: { recordedAt: time(n) } };
}

/** A task of colony c1 with two steps and two SOP items, one of them optional. */
export function seeded(taskId: string, n: number, overrides: Partial<EventInput<"TaskSeeded">> = {}) {
  return at(n, "TaskSeeded", {
    taskId,
    colonyId: "c1",
    goal: `goal of ${taskId}`,
    seq: 1,
    priority: 0,
    payload: { url: `https://example.org/${taskId}` },
    maxRetries: 3,
    parentTaskId: null,
    source: "queen_create",
    steps: [
      { seq: 1, title: "download", detail: "fetch the PDF" },
      { seq: 2, title: "summarise", detail: null },
    ],
    sopItems: [
      { key: "cite", description: "cite the source", required: true, note: "APA style" },
      { key: "tidy", description: "remove the scratch files", required: false, note: null },
    ],
    ...overrides,
  });
}
