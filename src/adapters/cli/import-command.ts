import { createReadStream, existsSync, type Stats, statSync } from "node:fs";
import { createInterface } from "node:readline";
import type { Command } from "commander";
import { type NewEvent, RecordedEventJson } from "../../domain/envelope.js";
import { ColonyError, type FieldIssue, InvalidEventError, InvalidStreamIdError } from "../../domain/errors.js";
import { catalogue } from "../../domain/events/catalogue.js";
import { issuesOf } from "../../domain/events/zod-issues.js";
import type { EventStore, StreamAppend } from "../../domain/ports/event-store.js";
import { parseStreamId } from "../../domain/stream-id.js";
import { openEventStore } from "../open-log.js";
import { parseStoreLocation } from "../store-location.js";
import type { EventJson } from "./event-json.js";
import { type CliIo, InterruptedError, say } from "./io.js";
import { dbOption } from "./options.js";

export interface ImportOptions {
  readonly db: string;
}

/** Events per `appendMany` call (one transaction) in the writing pass. */
export const IMPORT_CHUNK = 1000;

export function addImportCommand(program: Command, io: CliIo): void {
  program
    .command("import")
    .description("append the events of a JSON-lines file (as `colony export` writes it) to a log")
    .argument("<file>", "the JSON-lines file")
    .addOption(dbOption("a SQLite file is created if missing"))
    .addHelpText(
      "after",
      `
Two passes. The first checks every line and writes nothing if any is bad: the JSON, the
envelope, the event against its schema, event ids unique (in the file and the log), positions
strictly increasing, and each stream's versions following on from the stream's version in the
target log (0 for a stream it does not have yet). The second appends the events, keeping their
metadata (eventId, recordedAt, correlationId, causationId, actor), ${IMPORT_CHUNK} events per transaction.

Positions are not kept: the log numbers the events after its head, in file order. Into an empty
SQLite log, the export of a log (positions 1..n) comes back byte for byte; a PostgreSQL log
numbers events after the transaction that wrote them, so there only the positions differ. Blank
lines are skipped.

Example:
  colony import --db .colony/copy.db colony.jsonl
`,
    )
    .action(async (file: string, options: ImportOptions) => {
      const summary = await importLog(file, options.db, { signal: io.signal });
      const where = summary.events === 0 ? "" : ` (positions ${summary.firstPosition}..${summary.lastPosition})`;
      say(io.stderr, `imported ${summary.events} events into ${summary.streams} streams${where}`);
    });
}

export interface ImportSummary {
  readonly events: number;
  readonly streams: number;
  readonly firstPosition?: bigint;
  readonly lastPosition?: bigint;
}

export class ImportLineError extends ColonyError<"invalid_import_line"> {
  constructor(
    readonly line: number,
    readonly issues: readonly FieldIssue[],
  ) {
    const what = issues.map((i) => (i.path ? `${i.path}: ${i.message}` : i.message)).join("; ");
    super("invalid_import_line", `line ${line}: ${what}`, { line, issues });
  }
}

function lineError(line: number, path: string, message: string): ImportLineError {
  return new ImportLineError(line, [{ path, message }]);
}

async function* readLines(file: string): AsyncGenerator<[number, string]> {
  const input = createReadStream(file, { encoding: "utf8" });
  const lines = createInterface({ input, crlfDelay: Number.POSITIVE_INFINITY });
  let number = 0;
  try {
    for await (const text of lines) {
      number++;
      const line = number === 1 && text.startsWith("\uFEFF") ? text.slice(1) : text;
      if (line.trim().length > 0) yield [number, line];
    }
  } finally {
    lines.close();
    input.destroy();
  }
}

/** JSON syntax and the envelope. */
function parseEnvelope(line: number, text: string): EventJson {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    const reason = (error as Error).message.replace(/ \(line \d+ column \d+\)$/, "");
    throw lineError(line, "", `invalid JSON: ${reason}`);
  }
  const parsed = RecordedEventJson.safeParse(value);
  if (!parsed.success) throw new ImportLineError(line, issuesOf(parsed.error));
  return parsed.data;
}

/** The event's data brought up to the current schema version and checked against the catalogue. */
function checkedData(line: number, event: EventJson): unknown {
  let category: string;
  try {
    category = parseStreamId(event.streamId).category;
  } catch (error) {
    if (error instanceof InvalidStreamIdError) throw lineError(line, "streamId", error.message);
    throw error;
  }
  const definition = catalogue.get(event.type);
  if (definition && event.metadata.schemaVersion > definition.schemaVersion) {
    throw lineError(
      line,
      "metadata.schemaVersion",
      `${event.type} schema version ${event.metadata.schemaVersion} is newer than this colonylog knows (${definition.schemaVersion})`,
    );
  }
  let data: unknown;
  try {
    data = catalogue.upcast(event.type, event.metadata.schemaVersion, event.data).data;
  } catch (error) {
    throw lineError(
      line,
      "data",
      `cannot upcast from schema version ${event.metadata.schemaVersion}: ${String(error)}`,
    );
  }
  try {
    catalogue.validate(category, event.type, data);
  } catch (error) {
    if (error instanceof InvalidEventError) throw new ImportLineError(line, error.issues);
    throw error;
  }
  return data;
}

interface StreamCursor {
  /** The version the stream's next event in the file must have. */
  next: number;
  /** Where that expectation comes from, for the error message. */
  because: string;
}

interface Validated {
  readonly events: number;
  readonly streams: number;
}

/** Pass 1: every line, nothing written. */
async function validateFile(file: string, store: EventStore | undefined, signal?: AbortSignal): Promise<Validated> {
  const streams = new Map<string, StreamCursor>();
  const eventIds = new Map<string, number>();
  let previousPosition = 0;
  let previousLine = 0;
  let events = 0;
  for await (const [line, text] of readLines(file)) {
    if (signal?.aborted) throw new InterruptedError(`import stopped while checking line ${line}; nothing written`);
    const event = parseEnvelope(line, text);
    checkedData(line, event);
    if (event.position <= previousPosition) {
      throw lineError(
        line,
        "position",
        `${event.position} does not follow position ${previousPosition} on line ${previousLine} (positions must increase)`,
      );
    }
    const seenOn = eventIds.get(event.metadata.eventId);
    if (seenOn !== undefined) {
      throw lineError(line, "metadata.eventId", `${event.metadata.eventId} is already used on line ${seenOn}`);
    }
    let cursor = streams.get(event.streamId);
    if (!cursor) {
      const actual = store ? await store.streamVersion(event.streamId) : "no_stream";
      cursor =
        actual === "no_stream"
          ? { next: 0, because: "the stream's first event" }
          : { next: Number(actual) + 1, because: `the target log has the stream at version ${actual}` };
      streams.set(event.streamId, cursor);
    }
    if (event.version !== cursor.next) {
      throw lineError(
        line,
        "version",
        `expected version ${cursor.next} of ${event.streamId} (${cursor.because}), got ${event.version}`,
      );
    }
    cursor.next = event.version + 1;
    cursor.because = `line ${line} has version ${event.version}`;
    eventIds.set(event.metadata.eventId, line);
    previousPosition = event.position;
    previousLine = line;
    events++;
  }
  // Ids the target log already holds would make the store refuse (or skip, as a retry) halfway.
  if (store && eventIds.size > 0 && (await store.headPosition()) > 0n) {
    for await (const stored of store.readAll()) {
      const line = eventIds.get(stored.metadata.eventId);
      if (line !== undefined) {
        throw lineError(
          line,
          "metadata.eventId",
          `${stored.metadata.eventId} is already in the target log (${stored.streamId} version ${stored.version})`,
        );
      }
    }
  }
  return { events, streams: streams.size };
}

function toNewEvent(event: EventJson, data: unknown): NewEvent {
  const { eventId, correlationId, causationId, actor, recordedAt } = event.metadata;
  return {
    type: event.type,
    data,
    metadata: {
      eventId,
      recordedAt,
      ...(correlationId === undefined ? {} : { correlationId }),
      ...(causationId === undefined ? {} : { causationId }),
      ...(actor === undefined ? {} : { actor }),
    },
  };
}

function sameFile(a: Stats, b: Stats): boolean {
  return a.size === b.size && a.mtimeMs === b.mtimeMs && a.ino === b.ino;
}

/**
 * Checks the whole file, then appends it (see the command's help for the rules). Nothing is
 * written when a line is bad, and a SQLite log file is not even created. A PostgreSQL log is
 * opened first (the database must exist; opening makes the log's tables when it has none): the
 * check needs its streams' versions and its event ids.
 */
export async function importLog(
  file: string,
  db: string,
  options: { readonly signal?: AbortSignal; readonly chunkSize?: number } = {},
): Promise<ImportSummary> {
  const location = parseStoreLocation(db);
  if (!existsSync(file)) throw new ColonyError("no_such_file", `no file at ${file}`, { path: file });
  const before = statSync(file);
  if (!before.isFile()) throw new ColonyError("not_a_file", `${file} is not a file`, { path: file });

  const there = location.kind === "postgres" || existsSync(location.file);
  let store: EventStore | undefined = there ? await openEventStore(location, { mustExist: true }) : undefined;
  try {
    const checked = await validateFile(file, store, options.signal);
    if (!sameFile(before, statSync(file))) {
      throw new ColonyError("file_changed", `${file} changed while it was being checked; nothing written`);
    }
    if (checked.events === 0) return checked;
    store ??= await openEventStore(location, { mustExist: false });
    return { ...(await appendFile(file, store, options.chunkSize ?? IMPORT_CHUNK, options.signal)), ...checked };
  } finally {
    await store?.close();
  }
}

/** Pass 2: one `appendMany` per chunk, one entry per run of consecutive events of a stream. */
async function appendFile(
  file: string,
  store: EventStore,
  chunkSize: number,
  signal?: AbortSignal,
): Promise<{ firstPosition?: bigint; lastPosition?: bigint }> {
  let chunk: { streamId: string; expectedVersion: StreamAppend["expectedVersion"]; events: NewEvent[] }[] = [];
  let inChunk = 0;
  let written = 0;
  let firstPosition: bigint | undefined;
  let lastPosition: bigint | undefined;
  const flush = async () => {
    if (inChunk === 0) return;
    let results: Awaited<ReturnType<EventStore["appendMany"]>>;
    try {
      results = await store.appendMany(chunk);
    } catch (error) {
      if (written === 0 || !(error instanceof ColonyError)) throw error;
      throw new ColonyError(
        error.code,
        `${error.message} (the first ${written} events were imported, positions ${firstPosition}..${lastPosition})`,
        { ...error.details, imported: written },
      );
    }
    for (const result of results) {
      for (const event of result.events) {
        firstPosition ??= event.position;
        lastPosition = event.position;
      }
    }
    written += inChunk;
    chunk = [];
    inChunk = 0;
  };
  for await (const [line, text] of readLines(file)) {
    if (signal?.aborted) {
      await flush();
      const range = written === 0 ? "" : `, positions ${firstPosition}..${lastPosition}`;
      throw new InterruptedError(`import stopped at line ${line}: ${written} events were imported${range}`);
    }
    const event = parseEnvelope(line, text);
    const data = checkedData(line, event);
    const last = chunk[chunk.length - 1];
    if (last && last.streamId === event.streamId) {
      last.events.push(toNewEvent(event, data));
    } else {
      const expectedVersion = event.version === 0 ? "no_stream" : BigInt(event.version - 1);
      chunk.push({ streamId: event.streamId, expectedVersion, events: [toNewEvent(event, data)] });
    }
    if (++inChunk >= chunkSize) await flush();
  }
  await flush();
  return { firstPosition, lastPosition };
}
