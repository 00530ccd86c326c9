import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Writable } from "node:stream";
import { fileURLToPath } from "node:url";
import { runCli } from "../../../src/adapters/cli/program.js";
import { SqliteEventStore } from "../../../src/adapters/sqlite/sqlite-event-store.js";
import type { RecordedEvent } from "../../../src/domain/envelope.js";

export const repoRoot = fileURLToPath(new URL("../../../", import.meta.url));
export const mainTs = fileURLToPath(new URL("../../../src/adapters/cli/main.ts", import.meta.url));

export function tempDir(): { dir: string; path: (name: string) => string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), "colony-cli-"));
  return { dir, path: (name) => join(dir, name), remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** A Writable that keeps what it is given; `highWaterMark` small makes writers wait for 'drain'. */
export class Capture extends Writable {
  private readonly chunks: Buffer[] = [];

  constructor(
    options: { highWaterMark?: number; delayMs?: number } = {},
    private readonly delayMs = options.delayMs ?? 0,
  ) {
    super({ highWaterMark: options.highWaterMark ?? 16 * 1024 });
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    this.chunks.push(Buffer.from(chunk));
    if (this.delayMs > 0) setTimeout(callback, this.delayMs);
    else callback();
  }

  get bytes(): Buffer {
    return Buffer.concat(this.chunks);
  }

  get text(): string {
    return this.bytes.toString("utf8");
  }
}

export interface CliRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
  readonly stdoutBytes: Buffer;
}

export async function cli(
  argv: string[],
  options: { signal?: AbortSignal; stdout?: Capture; columns?: number } = {},
): Promise<CliRun> {
  const stdout = options.stdout ?? new Capture();
  const stderr = new Capture();
  const code = await runCli(argv, { stdout, stderr, signal: options.signal, columns: options.columns });
  return { code, stdout: stdout.text, stderr: stderr.text, stdoutBytes: stdout.bytes };
}

export async function collect<T>(events: AsyncIterable<T>): Promise<T[]> {
  const all: T[] = [];
  for await (const e of events) all.push(e);
  return all;
}

const meta = { correlationId: "corr-1", actor: "queen:q1" };

/** A small log over four streams of three categories; returns the events as stored. */
export async function seed(db: string): Promise<RecordedEvent[]> {
  const store = SqliteEventStore.open(db);
  try {
    await store.append(
      "task-a",
      [
        {
          type: "TaskSeeded",
          data: {
            taskId: "a",
            colonyId: "c1",
            goal: "Write the README",
            seq: 0,
            priority: 1,
            payload: { file: "README.md", "naïve ✓": "ünïcödé \u2028 line" },
            maxRetries: 1,
            parentTaskId: null,
            source: null,
            steps: [{ seq: 0, title: "Draft", detail: "with\nnewlines" }],
            sopItems: [{ key: "links", description: "links resolve", required: true, note: null }],
          },
          metadata: meta,
        },
      ],
      { expectedVersion: "no_stream" },
    );
    const [started] = (
      await store.appendMany([
        {
          streamId: "worker-w1",
          expectedVersion: "no_stream",
          events: [{ type: "WorkerStarted", data: { attempt: 1 } }],
        },
        {
          streamId: "task-b",
          expectedVersion: "no_stream",
          events: [
            {
              type: "TaskSeeded",
              data: {
                taskId: "b",
                colonyId: "c1",
                goal: "Changelog",
                seq: 1,
                priority: 0,
                payload: null,
                maxRetries: 0,
                parentTaskId: null,
                source: "queen",
                steps: [],
                sopItems: [],
              },
            },
          ],
        },
      ])
    ).flatMap((r) => r.events);
    await store.append(
      "task-a",
      [
        {
          type: "TaskClaimed",
          data: { workerId: "w1", claimToken: "tok-1" },
          metadata: { ...meta, actor: "worker:w1", causationId: started?.metadata.eventId },
        },
        { type: "StepStarted", data: { stepSeq: 0, workerId: "w1" } },
      ],
      { expectedVersion: 0n },
    );
    await store.append("colony-c1", [{ type: "TimersPaused", data: { reason: "night" } }], {
      expectedVersion: "no_stream",
    });
    return await collect(store.readAll());
  } finally {
    await store.close();
  }
}

export async function headOf(db: string): Promise<bigint> {
  const store = SqliteEventStore.open(db);
  try {
    return await store.headPosition();
  } finally {
    await store.close();
  }
}

export async function appendTo(db: string, streamId: string, type: string, data: unknown): Promise<RecordedEvent> {
  const store = SqliteEventStore.open(db);
  try {
    const result = await store.append(streamId, [{ type, data }], { expectedVersion: "any" });
    return result.events[0] as RecordedEvent;
  } finally {
    await store.close();
  }
}

/** The real program, through tsx, as a user runs it. */
export function spawnColony(args: string[]): ChildProcess {
  return spawn(process.execPath, ["--import", "tsx", mainTs, ...args], {
    cwd: repoRoot,
    stdio: ["ignore", "pipe", "pipe"],
  });
}

/** What a child has printed so far, on each stream. */
export function output(child: ChildProcess): { stdout: () => string; stderr: () => string } {
  let stdout = "";
  let stderr = "";
  child.stdout?.setEncoding("utf8").on("data", (d: string) => {
    stdout += d;
  });
  child.stderr?.setEncoding("utf8").on("data", (d: string) => {
    stderr += d;
  });
  return { stdout: () => stdout, stderr: () => stderr };
}

export async function until(condition: () => boolean, what: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
