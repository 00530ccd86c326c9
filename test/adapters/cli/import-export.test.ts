import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { toEventJson } from "../../../src/adapters/cli/event-json.js";
import { SqliteEventStore } from "../../../src/adapters/sqlite/sqlite-event-store.js";
import { RecordedEventJson } from "../../../src/domain/envelope.js";
import { Capture, cli, collect, headOf, seed, tempDir } from "./helpers.js";

let tmp: ReturnType<typeof tempDir>;
beforeEach(() => {
  tmp = tempDir();
});
afterEach(() => tmp.remove());

async function exportedFile(): Promise<{ file: string; text: string; lines: string[] }> {
  const source = tmp.path("source.db");
  await seed(source);
  const run = await cli(["export", "--db", source]);
  expect(run.code).toBe(0);
  const file = tmp.path("log.jsonl");
  writeFileSync(file, run.stdoutBytes);
  return { file, text: run.stdout, lines: run.stdout.trimEnd().split("\n") };
}

function writeLines(name: string, lines: string[]): string {
  const file = tmp.path(name);
  writeFileSync(file, `${lines.join("\n")}\n`);
  return file;
}

function edit(line: string, change: (event: Record<string, unknown>) => void): string {
  const event = JSON.parse(line) as Record<string, unknown>;
  change(event);
  return JSON.stringify(event);
}

describe("colony export", () => {
  it("writes every event as a RecordedEventJson line, keys in one order", async () => {
    const source = tmp.path("source.db");
    const stored = await seed(source);
    const run = await cli(["export", "--db", source]);
    expect(run.code).toBe(0);
    expect(run.stderr).toContain(`exported ${stored.length} events`);
    const lines = run.stdout.trimEnd().split("\n");
    expect(lines).toHaveLength(stored.length);
    lines.forEach((line, i) => {
      const parsed = JSON.parse(line);
      expect(RecordedEventJson.safeParse(parsed).success).toBe(true);
      expect(parsed).toEqual(toEventJson(stored[i] as never));
      expect(Object.keys(parsed.metadata)[0]).toBe("eventId");
    });
    // Stored metadata without a given eventId lists it after correlationId; the export does not.
    const claimed = JSON.parse(lines[3] as string);
    expect(Object.keys(claimed.metadata)).toEqual([
      "eventId",
      "correlationId",
      "causationId",
      "actor",
      "recordedAt",
      "schemaVersion",
    ]);
  });

  it("waits for a slow stdout to drain and still writes everything", async () => {
    const source = tmp.path("big.db");
    const store = SqliteEventStore.open(source);
    for (let b = 0; b < 5; b++) {
      await store.appendMany(
        Array.from({ length: 10 }, (_, s) => ({
          streamId: `worker-b${b}s${s}`,
          expectedVersion: "no_stream" as const,
          events: Array.from({ length: 40 }, (_, i) => ({
            type: "WorkerQueued",
            data: { reason: `r${i}`.repeat(20) },
          })),
        })),
      );
    }
    const all = await collect(store.readAll());
    await store.close();
    const slow = new Capture({ highWaterMark: 1024, delayMs: 1 });
    const run = await cli(["export", "--db", source], { stdout: slow });
    expect(run.code).toBe(0);
    const lines = slow.text.trimEnd().split("\n");
    expect(lines).toHaveLength(2000);
    expect(lines.map((l) => JSON.parse(l).position)).toEqual(all.map((e) => Number(e.position)));
  });

  it("refuses a missing log without creating it", async () => {
    const missing = tmp.path("nested/missing.db");
    const run = await cli(["export", "--db", missing]);
    expect(run.code).not.toBe(0);
    expect(run.stderr).toContain(`no log at ${missing}`);
    expect(existsSync(missing)).toBe(false);
    expect(existsSync(tmp.path("nested"))).toBe(false);
  });
});

describe("colony import", () => {
  it("imports an export into an empty log, whose export is the same file byte for byte", async () => {
    const { file, text, lines } = await exportedFile();
    const target = tmp.path("copy.db");
    const imported = await cli(["import", "--db", target, file]);
    expect(imported.code).toBe(0);
    expect(imported.stderr).toContain(`imported ${lines.length} events into 4 streams`);
    const again = await cli(["export", "--db", target]);
    expect(again.code).toBe(0);
    expect(again.stdoutBytes.equals(readFileSync(file))).toBe(true);
    expect(again.stdout).toBe(text);
  });

  it("reports a line of bad JSON by number and writes nothing", async () => {
    const { lines } = await exportedFile();
    const target = tmp.path("target.db");
    const broken = [...lines];
    broken[3] = `${(broken[3] as string).slice(0, 40)}`;
    const run = await cli(["import", "--db", target, writeLines("bad-json.jsonl", broken)]);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^error: line 4: invalid JSON: /);
    expect(run.stderr).not.toMatch(/\n\s+at /);
    expect(existsSync(target)).toBe(false);
  });

  it("reports a schema violation with its line and field, and leaves an existing log empty", async () => {
    const { lines } = await exportedFile();
    const target = tmp.path("target.db");
    await SqliteEventStore.open(target).close();
    const broken = [...lines];
    broken[3] = edit(broken[3] as string, (e) => {
      (e.data as Record<string, unknown>).claimToken = 42;
    });
    const run = await cli(["import", "--db", target, writeLines("bad-schema.jsonl", broken)]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(
      "error: line 4: data.claimToken: Invalid input: expected string, received number [invalid_import_line]",
    );
    expect(await headOf(target)).toBe(0n);
  });

  it.each([
    [
      "an envelope field",
      (e: Record<string, unknown>) => {
        (e.metadata as Record<string, unknown>).eventId = "nope";
      },
      /line 2: metadata\.eventId: Invalid UUID/,
    ],
    [
      "an unknown stream category",
      (e: Record<string, unknown>) => {
        e.streamId = "robot-x";
      },
      /line 2: streamId: invalid stream id "robot-x": unknown category "robot"/,
    ],
    [
      "an event type of another category",
      (e: Record<string, unknown>) => {
        e.type = "TimersPaused";
      },
      /line 2: streamId: TimersPaused belongs to colony streams, not worker/,
    ],
    [
      "a gap in a stream's versions",
      (e: Record<string, unknown>) => {
        e.version = 3;
      },
      /line 2: version: expected version 0 of worker-w1 \(the stream's first event\), got 3/,
    ],
    [
      "a position that goes back",
      (e: Record<string, unknown>) => {
        e.position = 1;
      },
      /line 2: position: 1 does not follow position 1 on line 1/,
    ],
  ])("refuses %s, naming the line and field", async (_what, change, message) => {
    const { lines } = await exportedFile();
    const broken = [...lines];
    broken[1] = edit(broken[1] as string, change);
    const target = tmp.path("target.db");
    const run = await cli(["import", "--db", target, writeLines("bad.jsonl", broken)]);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(message);
    expect(existsSync(target)).toBe(false);
  });

  it("refuses an event id used twice in the file", async () => {
    const { lines } = await exportedFile();
    const first = JSON.parse(lines[0] as string);
    const broken = [...lines];
    broken[4] = edit(broken[4] as string, (e) => {
      (e.metadata as Record<string, unknown>).eventId = first.metadata.eventId;
    });
    const run = await cli(["import", "--db", tmp.path("t.db"), writeLines("dup.jsonl", broken)]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`line 5: metadata.eventId: ${first.metadata.eventId} is already used on line 1`);
  });

  it("continues streams from their version in a non-empty log, and refuses a second import of the same file", async () => {
    const { file, lines } = await exportedFile();
    const target = tmp.path("target.db");
    expect((await cli(["import", "--db", target, file])).code).toBe(0);
    const twice = await cli(["import", "--db", target, file]);
    expect(twice.code).toBe(1);
    expect(twice.stderr).toContain("line 1: version: expected version 3 of task-a");
    expect(await headOf(target)).toBe(BigInt(lines.length));

    // A file that follows on from the log is accepted, its positions renumbered after the head.
    const store = SqliteEventStore.open(target);
    const tail = toEventJson({
      position: 99n,
      streamId: "task-b",
      version: 1n,
      type: "TaskClaimed",
      data: { workerId: "w2", claimToken: "tok-2" },
      metadata: {
        eventId: "0190a000-0000-7000-8000-000000000001",
        recordedAt: "2024-06-01T10:00:00.000Z",
        schemaVersion: 1,
      },
    });
    await store.close();
    const more = await cli(["import", "--db", target, writeLines("more.jsonl", [JSON.stringify(tail)])]);
    expect(more.stderr).toContain(
      `imported 1 events into 1 streams (positions ${lines.length + 1}..${lines.length + 1})`,
    );
    expect(more.code).toBe(0);
    const check = SqliteEventStore.open(target);
    const [stored] = await collect(check.readStream("task-b", { from: 1n }));
    await check.close();
    expect(stored?.metadata).toEqual(tail.metadata);
  });

  it("refuses an event id the target log already holds", async () => {
    const { lines } = await exportedFile();
    const target = tmp.path("target.db");
    const [targetFirst] = await seed(target);
    const clash = edit(lines[0] as string, (e) => {
      e.streamId = "task-z";
      (e.metadata as Record<string, unknown>).eventId = targetFirst?.metadata.eventId;
    });
    const run = await cli(["import", "--db", target, writeLines("clash.jsonl", [clash])]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(
      `line 1: metadata.eventId: ${targetFirst?.metadata.eventId} is already in the target log (task-a version 0)`,
    );
    expect(await headOf(target)).toBe(BigInt(lines.length));
  });

  it("writes across several transactions when the file is bigger than a chunk", async () => {
    const { importLog } = await import("../../../src/adapters/cli/import-command.js");
    const { file, text } = await exportedFile();
    const target = tmp.path("chunked.db");
    const summary = await importLog(file, target, { chunkSize: 2 });
    expect(summary).toMatchObject({ events: 6, streams: 4, firstPosition: 1n, lastPosition: 6n });
    expect((await cli(["export", "--db", target])).stdout).toBe(text);
  });

  it("imports an empty file as nothing, without creating the log", async () => {
    const target = tmp.path("t.db");
    const run = await cli(["import", "--db", target, writeLines("empty.jsonl", ["", "  "])]);
    expect(run.code).toBe(0);
    expect(run.stderr).toBe("imported 0 events into 0 streams\n");
    expect(existsSync(target)).toBe(false);
  });

  it("says so when the file is missing", async () => {
    const run = await cli(["import", "--db", tmp.path("t.db"), tmp.path("nope.jsonl")]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`no file at ${tmp.path("nope.jsonl")}`);
    expect(existsSync(tmp.path("t.db"))).toBe(false);
  });
});
