import type { Command } from "commander";
import type { Subscription } from "rxjs";
import type { RecordedEvent } from "../../domain/envelope.js";
import type { EventStore } from "../../domain/ports/event-store.js";
import { openEventStore } from "../open-log.js";
import { toEventLine } from "./event-json.js";
import { EventTable } from "./event-table.js";
import { type CliIo, InterruptedError, LineOutput, say, writeChunk } from "./io.js";
import { checkStreamId, dbOption, parsePosition } from "./options.js";

export interface EventsOptions {
  readonly db: string;
  readonly stream?: string;
  readonly from?: bigint;
  readonly follow?: boolean;
  readonly json?: boolean;
}

/** Rows a table looks at before printing its header, to size its columns. */
const MEASURE_ROWS = 200;

export function addEventsCommand(program: Command, io: CliIo): void {
  program
    .command("events")
    .description("print the log's events, oldest first: a table for people, or JSON lines")
    .addOption(dbOption())
    .option("--stream <id>", "only this stream (category-id), e.g. task-t1")
    .option("--from <position>", "start at this global position, inclusive (1 = the first event)", parsePosition)
    .option("--follow", "after the existing events, keep printing new ones until Ctrl-C")
    .option("--json", "one JSON object per line, the `colony export` format")
    .addHelpText(
      "after",
      "\n--from is always a global position, with or without --stream. On a terminal the table is coloured by\nstream category (failures in red); piped, or with NO_COLOR set, it is plain.\n\nExample:\n  colony events --db .colony/colony.db --stream task-t1 --follow\n",
    )
    .action(async (options: EventsOptions) => {
      await runEvents(options, io);
    });
}

interface Printer {
  /** Prints events already in the log (the caller stops at the head it saw). */
  catchUp(events: AsyncIterable<RecordedEvent>): Promise<void>;
  /** Formats one live event as a line. */
  live(event: RecordedEvent): string;
}

function jsonPrinter(out: LineOutput, signal: AbortSignal | undefined): Printer {
  return {
    async catchUp(events) {
      for await (const event of events) {
        if (signal?.aborted) break;
        await out.line(toEventLine(event));
      }
      await out.flush();
    },
    live: toEventLine,
  };
}

/**
 * Colours only for a terminal (`isTTY`, as Node sets it on process.stdout), never for a pipe or a
 * file, and never when NO_COLOR is set to anything (https://no-color.org).
 */
export function wantsColour(stdout: CliIo["stdout"], env: NodeJS.ProcessEnv = process.env): boolean {
  const noColour = env.NO_COLOR;
  return (stdout as { isTTY?: boolean }).isTTY === true && (noColour === undefined || noColour === "");
}

function tablePrinter(out: LineOutput, io: CliIo, follow: boolean): Printer {
  const table = new EventTable(io.columns, wantsColour(io.stdout));
  return {
    async catchUp(events) {
      const first: RecordedEvent[] = [];
      let header = false;
      const printHeader = async () => {
        table.measure(first);
        await out.line(table.header());
        for (const event of first.splice(0)) await out.line(table.row(event));
        header = true;
      };
      for await (const event of events) {
        if (io.signal?.aborted) break;
        if (header) {
          await out.line(table.row(event));
        } else {
          first.push(event);
          if (first.length >= MEASURE_ROWS) await printHeader();
        }
      }
      if (!header && (first.length > 0 || follow)) await printHeader();
      await out.flush();
      if (!header && !follow) say(io.stderr, "no events");
    },
    live: (event) => table.row(event),
  };
}

async function* upTo(head: bigint, from: bigint, events: AsyncIterable<RecordedEvent>): AsyncIterable<RecordedEvent> {
  for await (const event of events) {
    if (event.position > head) return;
    if (event.position >= from) yield event;
  }
}

export async function runEvents(options: EventsOptions, io: CliIo): Promise<void> {
  const streamId = options.stream === undefined ? undefined : checkStreamId(options.stream);
  const from = options.from ?? 1n;
  const store = await openEventStore(options.db, { mustExist: true });
  try {
    const out = new LineOutput(io.stdout);
    const printer = options.json ? jsonPrinter(out, io.signal) : tablePrinter(out, io, options.follow === true);
    // Catch up to the head seen now with paged reads (which wait for stdout), then go live
    // from just after it: positions make the seam exact, no event missed or printed twice.
    const head = await store.headPosition();
    const existing = streamId === undefined ? store.readAll({ from }) : store.readStream(streamId);
    await printer.catchUp(upTo(head, from, existing));
    if (options.follow) {
      const liveFrom = head + 1n > from ? head + 1n : from;
      await follow(store, liveFrom, streamId, printer, io);
    } else if (io.signal?.aborted) {
      throw new InterruptedError("stopped printing events");
    }
  } finally {
    await store.close();
  }
}

function follow(
  store: EventStore,
  from: bigint,
  streamId: string | undefined,
  printer: Printer,
  io: CliIo,
): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    let subscription: Subscription | undefined;
    let writing = Promise.resolve();
    let done = false;
    const end = (error?: unknown) => {
      if (done) return;
      done = true;
      subscription?.unsubscribe();
      io.signal?.removeEventListener("abort", stop);
      writing.then(
        () => (error === undefined ? resolve() : reject(error)),
        (writeError: unknown) => reject(error ?? writeError),
      );
    };
    const stop = () => end();
    if (io.signal?.aborted) return end();
    io.signal?.addEventListener("abort", stop, { once: true });
    subscription = store.subscribe({ from, filter: streamId === undefined ? undefined : { streamId } }).subscribe({
      next: (event) => {
        if (done) return;
        const line = `${printer.live(event)}\n`;
        writing = writing.then(() => writeChunk(io.stdout, line));
        writing.catch((error: unknown) => end(error));
      },
      error: (error: unknown) => end(error),
      complete: () => end(),
    });
    if (done) subscription.unsubscribe();
  });
}
