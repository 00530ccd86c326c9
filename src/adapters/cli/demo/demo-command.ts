import { createHash } from "node:crypto";
import { createWriteStream, existsSync, readFileSync, rmSync, statSync } from "node:fs";
import { relative, resolve } from "node:path";
import { Writable } from "node:stream";
import { finished } from "node:stream/promises";
import Database from "better-sqlite3";
import type { Command } from "commander";
import type { Subscription } from "rxjs";
import type { NewEvent, RecordedEvent } from "../../domain/envelope.js";
import { ColonyError, InvalidEventError, VersionConflictError } from "../../domain/errors.js";
import type { AppendResult, EventStore, StreamAppend } from "../../domain/ports/event-store.js";
import { showReadModels } from "./demo-read-models.js";
import {
  by,
  CLAIM_TOKEN,
  colonyCreated,
  colonySpawned,
  conversationForked,
  event,
  queenConversationOpening,
  queenConversationReply,
  sessionStarted,
  streams,
  tasksSeeded,
  WORKER_ID,
  workerSpawned,
} from "./demo-story.js";
import { exportLog } from "./export-command.js";
import { importLog } from "./import-command.js";
import { type CliIo, say } from "./io.js";
import { openStore } from "./open-store.js";

export const DEFAULT_DEMO_DB = ".colony/demo.db";

export interface DemoOptions {
  readonly db: string;
}

export function addDemoCommand(program: Command, io: CliIo): void {
  program
    .command("demo")
    .description("a round trip through the log: append a small colony story, subscribe, read, refuse, export, import")
    .option("--db <file>", "where to write the demo log (recreated on each run)", DEFAULT_DEMO_DB)
    .addHelpText(
      "after",
      `
Beside the log it writes <db>.export.jsonl and a second log, <db>.import.db. It refuses to delete
a file that is not a log an earlier demo wrote. Exits 1 if any check fails.

Example:
  colony demo --db /tmp/demo.db && colony events --db /tmp/demo.db
`,
    )
    .action(async (options: DemoOptions) => {
      await runDemo(options.db, io);
    });
}

export class DemoCheckError extends ColonyError<"demo_check_failed"> {
  constructor(what: string) {
    super("demo_check_failed", `demo check failed: ${what}`);
  }
}

function check(condition: boolean, what: string): asserts condition {
  if (!condition) throw new DemoCheckError(what);
}

/** The demo only ever deletes an empty file or a log whose first event is its own. */
function assertDemoLogOrAbsent(path: string): void {
  if (!existsSync(path) || statSync(path).size === 0) return;
  let db: Database.Database | undefined;
  let first: { stream_id: string; type: string } | undefined;
  try {
    db = new Database(path, { readonly: true, fileMustExist: true });
    first = db.prepare("SELECT stream_id, type FROM events ORDER BY position LIMIT 1").get() as typeof first;
  } catch {
    first = { stream_id: "", type: "" };
  } finally {
    db?.close();
  }
  if (first && !(first.stream_id === streams.session && first.type === sessionStarted.type)) {
    throw new ColonyError("refused", `${path} is not a log the demo wrote; refusing to delete it (pick another --db)`, {
      path,
    });
  }
}

function removeLog(path: string): void {
  assertDemoLogOrAbsent(path);
  for (const file of [path, `${path}-wal`, `${path}-shm`]) rmSync(file, { force: true });
}

function positions(results: readonly AppendResult[]): string {
  const all = results.flatMap((r) => r.events.map((e) => e.position));
  const first = all[0];
  const last = all[all.length - 1];
  return first === last ? `#${first}` : `#${first}..#${last}`;
}

function versions(result: AppendResult): string {
  const first = result.events[0]?.version;
  return first === result.nextExpectedVersion ? `v${first}` : `v${first}..v${result.nextExpectedVersion}`;
}

function typesOf(events: readonly { type: string }[]): string {
  const runs: [string, number][] = [];
  for (const { type } of events) {
    const last = runs[runs.length - 1];
    if (last && last[0] === type) last[1]++;
    else runs.push([type, 1]);
  }
  return runs.map(([type, n]) => (n === 1 ? type : `${type} x${n}`)).join(", ");
}

async function until(condition: () => boolean, what: string, timeoutMs = 3000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    check(Date.now() < deadline, what);
    await new Promise((r) => setTimeout(r, 5));
  }
}

async function collect<T>(events: AsyncIterable<T>): Promise<T[]> {
  const all: T[] = [];
  for await (const e of events) all.push(e);
  return all;
}

function collector(): { sink: Writable; bytes: () => Buffer } {
  const chunks: Buffer[] = [];
  const sink = new Writable({
    write(chunk: Buffer | string, _encoding, callback) {
      chunks.push(Buffer.from(chunk));
      callback();
    },
  });
  return { sink, bytes: () => Buffer.concat(chunks) };
}

const sha = (bytes: Buffer) => createHash("sha256").update(bytes).digest("hex").slice(0, 16);

/** The demo: every step is checked; the first failed check ends it with exit code 1. */
export async function runDemo(dbPath: string, io: CliIo): Promise<void> {
  const db = resolve(dbPath);
  const base = db.endsWith(".db") ? db.slice(0, -3) : db;
  const exportFile = `${base}.export.jsonl`;
  const importDb = `${base}.import.db`;
  const show = (path: string) => {
    const rel = relative(process.cwd(), path);
    return rel.startsWith("..") ? path : rel;
  };
  let step = 0;
  const tell = (text: string) => say(io.stdout, `${String(++step).padStart(2)}. ${text}`);
  const detail = (text: string) => say(io.stdout, `    ${text}`);

  removeLog(db);
  removeLog(importDb);
  rmSync(exportFile, { force: true });

  say(io.stdout, `colonylog demo: a colony story through the SQLite log at ${show(db)}`);
  const store = openStore(db, { mustExist: false });
  let copy: EventStore | undefined;
  let subscription: Subscription | undefined;
  try {
    // A live subscriber from the start of the log: everything appended below reaches it.
    const received: RecordedEvent[] = [];
    let subscriptionError: unknown;
    subscription = store.subscribe({ from: 1n }).subscribe({
      next: (e) => received.push(e),
      error: (error: unknown) => {
        subscriptionError = error;
      },
    });
    tell("subscribed to the whole log from position 1 (catch-up, then live)");

    let seen = 0;
    const appended = async (results: AppendResult[]): Promise<string> => {
      const head = await store.headPosition();
      await until(() => BigInt(received.length) >= head || subscriptionError !== undefined, "live delivery");
      check(subscriptionError === undefined, `subscription failed: ${String(subscriptionError)}`);
      const live = received.slice(seen);
      seen = received.length;
      const stored = results.flatMap((r) => r.events.map((e) => e.position));
      check(
        live.length === stored.length && live.every((e, i) => e.position === stored[i]),
        `the subscriber got ${live.map((e) => e.position).join(",")} instead of ${stored.join(",")}`,
      );
      return `live subscriber got ${positions(results)}`;
    };
    const append = async (streamId: string, events: NewEvent[], expectedVersion: StreamAppend["expectedVersion"]) => {
      const result = await store.append(streamId, events, { expectedVersion });
      const live = await appended([result]);
      tell(`${streamId} <- ${typesOf(result.events)} (expected ${String(expectedVersion)})`);
      detail(`-> ${versions(result)} at ${positions([result])}; ${live}`);
      return result;
    };

    await append(streams.session, [sessionStarted], "no_stream");
    const opening = await append(streams.queenConversation, queenConversationOpening, "no_stream");
    const reply = await append(streams.queenConversation, queenConversationReply, opening.nextExpectedVersion);
    const colony = await append(streams.colony, [colonyCreated], "no_stream");

    const spawned = await store.appendMany([
      { streamId: streams.session, expectedVersion: 0n, events: [colonySpawned] },
      ...tasksSeeded.map((seeded, i) => ({
        streamId: streams.task((i + 1) as 1 | 2 | 3),
        expectedVersion: "no_stream" as const,
        events: [seeded],
      })),
      {
        streamId: streams.workerConversation,
        expectedVersion: "no_stream",
        events: [conversationForked(Number(reply.nextExpectedVersion))],
      },
      { streamId: streams.worker, expectedVersion: "no_stream", events: [workerSpawned] },
    ]);
    const spawnedLive = await appended(spawned);
    tell(
      `one appendMany across ${spawned.length} streams, all or nothing: ${typesOf(spawned.flatMap((r) => r.events))}`,
    );
    detail(
      `-> ${spawned.map((r) => `${r.streamId} ${versions(r)}`).join(", ")} at ${positions(spawned)}; ${spawnedLive}`,
    );
    check(
      spawned.every((r) => r.events[0]?.metadata.correlationId === colony.events[0]?.metadata.correlationId),
      "metadata kept",
    );

    const started = await append(streams.worker, [event("WorkerStarted", { attempt: 1 }, by.worker)], 0n);
    const cause = { ...by.worker, causationId: started.events[0]?.metadata.eventId };
    const claimed = await append(
      streams.task(1),
      [event("TaskClaimed", { workerId: WORKER_ID, claimToken: CLAIM_TOKEN }, cause)],
      0n,
    );
    const worked = await append(
      streams.task(1),
      [
        event("StepStarted", { stepSeq: 0, workerId: WORKER_ID }, by.worker),
        event(
          "StepCompleted",
          { stepSeq: 0, workerId: WORKER_ID, evidence: "README.md drafted, 412 words" },
          by.worker,
        ),
        event("SopItemChecked", { key: "links_checked", workerId: WORKER_ID, note: "7 links, all 200" }, by.worker),
      ],
      claimed.nextExpectedVersion,
    );
    await append(
      streams.task(1),
      [
        event(
          "TaskCompleted",
          { workerId: WORKER_ID, claimToken: CLAIM_TOKEN, result: { file: "README.md", words: 412 } },
          by.worker,
        ),
      ],
      worked.nextExpectedVersion,
    );
    await append(
      streams.worker,
      [
        event(
          "WorkerReported",
          {
            status: "success",
            summary: "README.md written; links checked",
            data: { tasksCompleted: ["t1"] },
            error: null,
            durationMs: 4200,
            tokens: { inputTokens: 1830, outputTokens: 512 },
          },
          by.worker,
        ),
      ],
      started.nextExpectedVersion,
    );

    const head = await store.headPosition();
    check(
      received.every((e, i) => e.position === BigInt(i + 1)) && BigInt(received.length) === head,
      "the subscriber saw every position once, in order",
    );
    tell(
      `the live subscriber received all ${received.length} events, positions 1..${head} in order, no gap, no duplicate`,
    );

    // Reading one stream back, both ways.
    const forwards = await collect(store.readStream(streams.task(1)));
    const backwards = await collect(store.readStream(streams.task(1), { direction: "backwards" }));
    check(
      forwards.map((e) => e.version).join() === "0,1,2,3,4,5",
      `${streams.task(1)} has versions ${forwards.map((e) => e.version)}`,
    );
    check(
      backwards.map((e) => e.metadata.eventId).join() ===
        forwards
          .map((e) => e.metadata.eventId)
          .reverse()
          .join(),
      "backwards is forwards reversed",
    );
    tell(`read ${streams.task(1)} forwards:  ${forwards.map((e) => `v${e.version} ${e.type}`).join(", ")}`);
    tell(`read ${streams.task(1)} backwards: ${backwards.map((e) => `v${e.version} ${e.type}`).join(", ")}`);

    // A stale writer: a second worker claims task-t1 believing it is still at version 0.
    try {
      await store.append(
        streams.task(1),
        [event("TaskClaimed", { workerId: "w2", claimToken: "claim-w2-t1-1" }, by.worker)],
        { expectedVersion: 0n },
      );
      check(false, "a stale append was accepted");
    } catch (error) {
      if (!(error instanceof VersionConflictError)) throw error;
      check(error.actual === 5n, `the conflict reports actual version ${String(error.actual)}`);
      check((await store.headPosition()) === head, "nothing was written by the refused append");
      tell(`refused a stale claim by w2: ${error.message} [${error.code}]; head still #${head}`);
    }

    // An invalid event refuses the whole appendMany, the valid half included.
    try {
      await store.appendMany([
        {
          streamId: streams.task(2),
          expectedVersion: 0n,
          events: [event("TaskClaimed", { workerId: "w2", claimToken: "claim-w2-t2-1" }, by.worker)],
        },
        {
          streamId: streams.task(3),
          expectedVersion: 0n,
          events: [{ type: "TaskFailed", data: { workerId: null, error: "gave up", reason: 42 } }],
        },
      ]);
      check(false, "an invalid event was accepted");
    } catch (error) {
      if (!(error instanceof InvalidEventError)) throw error;
      check((await store.headPosition()) === head, "nothing was written by the refused appendMany");
      check((await store.streamVersion(streams.task(2))) === 0n, "the valid half was not written");
      tell(`refused an invalid event: ${error.message} [${error.code}]`);
      detail(
        `-> the valid TaskClaimed for ${streams.task(2)} in the same appendMany was not written; head still #${head}`,
      );
    }

    // Export, import into a second log, export again: the same bytes.
    const file = createWriteStream(exportFile);
    const exported = await exportLog(store, file);
    file.end();
    await finished(file);
    const original = readFileSync(exportFile);
    check(exported === Number(head), `exported ${exported} of ${head} events`);
    tell(`exported ${exported} events to ${show(exportFile)} (${original.length} bytes, sha256 ${sha(original)}...)`);

    const imported = await importLog(exportFile, importDb);
    check(imported.events === exported, `imported ${imported.events} of ${exported}`);
    tell(`imported ${imported.events} events into ${imported.streams} streams of a new log at ${show(importDb)}`);

    copy = openStore(importDb, { mustExist: true });
    const again = collector();
    await exportLog(copy, again.sink);
    const reexported = again.bytes();
    check(reexported.equals(original), "the re-export differs from the export");
    tell(`exported the copy: ${reexported.length} bytes, sha256 ${sha(reexported)}... identical, byte for byte`);
    await showReadModels(db, { tell, detail, check });
    say(io.stdout, `demo ok: ${step} steps, every check passed`);
  } finally {
    subscription?.unsubscribe();
    await copy?.close();
    await store.close();
  }
}
