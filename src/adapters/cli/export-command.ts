import type { Writable } from "node:stream";
import type { Command } from "commander";
import type { EventStore } from "../../domain/ports/event-store.js";
import { openEventStore } from "../open-log.js";
import { toEventLine } from "./event-json.js";
import { type CliIo, InterruptedError, LineOutput, say } from "./io.js";
import { dbOption } from "./options.js";

export interface ExportOptions {
  readonly db: string;
}

export function addExportCommand(program: Command, io: CliIo): void {
  program
    .command("export")
    .description("write every event to stdout as JSON lines (the log as of the moment the export starts)")
    .addOption(dbOption())
    .addHelpText(
      "after",
      "\nOne event per line, in position order, the shape of RecordedEventJson; `colony import` reads it back.\n\nExample:\n  colony export --db .colony/colony.db > colony.jsonl\n",
    )
    .action(async (options: ExportOptions) => {
      const store = await openEventStore(options.db, { mustExist: true });
      try {
        const count = await exportLog(store, io.stdout, io.signal);
        say(io.stderr, `exported ${count} events`);
      } finally {
        await store.close();
      }
    });
}

/**
 * Streams the log, up to the head seen when it starts, as JSON lines: one page of the store and
 * one ~64 KiB chunk of output at a time, waiting for `out` to drain when it is full.
 */
export async function exportLog(store: EventStore, out: Writable, signal?: AbortSignal): Promise<number> {
  const head = await store.headPosition();
  const lines = new LineOutput(out);
  let count = 0;
  for await (const event of store.readAll()) {
    if (event.position > head) break;
    if (signal?.aborted) throw new InterruptedError(`export stopped after ${count} events`);
    await lines.line(toEventLine(event));
    count++;
  }
  await lines.flush();
  return count;
}
