import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { SqliteEventStore } from "../../../src/adapters/sqlite/sqlite-event-store.js";
import type { RecordedEvent } from "../../../src/domain/envelope.js";
import { killAllChildren, startChild } from "../../support/child-processes.js";

/**
 * Several OS processes sharing one SQLite file (DESIGN §2: one file, writers serialised by the
 * database lock). Children run the TypeScript sources through tsx, as the CLI does.
 */

const here = dirname(fileURLToPath(import.meta.url));
const childrenDir = join(here, "children");

const tempDirs: string[] = [];

function freshFile(): string {
  const dir = mkdtempSync(join(tmpdir(), "colonylog-multi-process-"));
  tempDirs.push(dir);
  return join(dir, "colony.db");
}

/** Waits for `promise`, failing with `message()` (not hanging until the test timeout) after `ms`. */
async function within<T>(promise: Promise<T>, ms: number, message: () => string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(message())), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

async function readAll(store: SqliteEventStore): Promise<RecordedEvent[]> {
  const events: RecordedEvent[] = [];
  for await (const event of store.readAll()) events.push(event);
  return events;
}

afterEach(killAllChildren);

afterAll(() => {
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
});

interface WorkerReport {
  readonly workerId: string;
  readonly conflicts: number;
  readonly written: readonly { eventId: string; version: string; position: string }[];
}

describe("SqliteEventStore shared by several processes", () => {
  it("serialises four processes appending to one stream with expected-version retries", async () => {
    const file = freshFile();
    const workers = 4;
    const perWorker = 50;
    const streamId = "task-shared";

    // Every child opens (and migrates) the fresh file at the same moment.
    const children = Array.from({ length: workers }, (_, i) =>
      startChild(join(childrenDir, "append-contended.ts"), [file, `w${i}`, String(perWorker), streamId]),
    );
    for (const child of children) expect(await child.nextLine()).toBe("ready");
    for (const child of children) child.process.stdin.write("go\n");
    const reports = await Promise.all(
      children.map(async (child) => {
        const line = await child.nextLine();
        await child.exited;
        return JSON.parse(line) as WorkerReport;
      }),
    );

    const conflicts = reports.reduce((sum, r) => sum + r.conflicts, 0);
    console.log(
      `multi-process: ${workers}x${perWorker} appends, version conflicts retried: ${conflicts} (${reports
        .map((r) => `${r.workerId}=${r.conflicts}`)
        .join(", ")})`,
    );

    const store = SqliteEventStore.open(file);
    try {
      const stream: RecordedEvent[] = [];
      for await (const event of store.readStream(streamId)) stream.push(event);
      const all = await readAll(store);

      // Exactly the union of what the children say they wrote: nothing lost, nothing extra.
      const reported = reports.flatMap((r) => r.written.map((w) => w.eventId));
      expect(reported).toHaveLength(workers * perWorker);
      expect(new Set(reported).size).toBe(reported.length);
      expect(stream.map((e) => e.metadata.eventId).sort()).toEqual([...reported].sort());
      expect(all.map((e) => e.metadata.eventId)).toEqual(stream.map((e) => e.metadata.eventId));

      // Versions 0..N-1 without a hole; positions strictly increasing along the stream.
      expect(stream.map((e) => e.version)).toEqual(stream.map((_, i) => BigInt(i)));
      for (let i = 1; i < stream.length; i++) {
        expect((stream[i] as RecordedEvent).position).toBeGreaterThan((stream[i - 1] as RecordedEvent).position);
      }
      expect(await store.streamVersion(streamId)).toBe(BigInt(workers * perWorker - 1));

      // What each child was told at append time is what is stored, and each child's events
      // keep its own order.
      const byId = new Map(stream.map((e) => [e.metadata.eventId, e]));
      for (const report of reports) {
        report.written.forEach((w, stepSeq) => {
          const stored = byId.get(w.eventId);
          expect(stored?.version).toBe(BigInt(w.version));
          expect(stored?.position).toBe(BigInt(w.position));
          expect(stored?.data).toEqual({ stepSeq, workerId: report.workerId });
        });
        const own = stream.filter((e) => (e.data as { workerId: string }).workerId === report.workerId);
        expect(own.map((e) => (e.data as { stepSeq: number }).stepSeq)).toEqual(own.map((_, i) => i));
        expect(own.map((e) => e.metadata.eventId)).toEqual(report.written.map((w) => w.eventId));
      }
    } finally {
      await store.close();
    }
  });

  it("delivers another process's appends to a live subscription, with no gap and no duplicate", async () => {
    const file = freshFile();
    const store = SqliteEventStore.open(file, { pollIntervalMs: 20 });
    try {
      // A few events of our own first, so the subscription has something to catch up on.
      const own = await store.append(
        "task-live-a",
        Array.from({ length: 5 }, (_, stepSeq) => ({ type: "StepStarted", data: { stepSeq, workerId: "parent" } })),
        { expectedVersion: "no_stream" },
      );

      const appends = 24;
      const perAppend = 5;
      const expectedCount = own.events.length + appends * perAppend;
      const received: RecordedEvent[] = [];
      let failure: unknown;
      let reachedCount: () => void = () => {};
      const allReceived = new Promise<void>((resolvePromise) => {
        reachedCount = resolvePromise;
      });
      let caughtUp: () => void = () => {};
      const catchUpDone = new Promise<void>((resolvePromise) => {
        caughtUp = resolvePromise;
      });
      const subscription = store.subscribe({ from: 1n }).subscribe({
        next: (event) => {
          received.push(event);
          if (received.length === own.events.length) caughtUp();
          if (received.length >= expectedCount) reachedCount();
        },
        error: (error: unknown) => {
          failure = error;
          reachedCount();
        },
      });
      try {
        await catchUpDone;
        // Live from here on: everything else is written by the child process.
        const child = startChild(join(childrenDir, "append-live.ts"), [
          file,
          "child",
          String(appends),
          String(perAppend),
        ]);
        const report = JSON.parse(await child.nextLine()) as { eventIds: string[] };
        await child.exited;
        await within(
          allReceived,
          20_000,
          () => `the subscription received ${received.length} of ${expectedCount} events`,
        );
        // Give a late duplicate (if the store produced one) a few polls to show up.
        await new Promise((r) => setTimeout(r, 200));

        expect(failure).toBeUndefined();
        const all = await readAll(store);
        expect(all).toHaveLength(expectedCount);
        expect(received.map((e) => e.position)).toEqual(all.map((e) => e.position));
        expect(received.map((e) => e.position)).toEqual(all.map((_, i) => BigInt(i + 1)));
        expect(received.map((e) => e.metadata.eventId)).toEqual([
          ...own.events.map((e) => e.metadata.eventId),
          ...report.eventIds,
        ]);
        expect(received).toEqual(all);
      } finally {
        subscription.unsubscribe();
      }
    } finally {
      await store.close();
    }
  });
});
