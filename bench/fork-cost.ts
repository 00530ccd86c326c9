import { join } from "node:path";
import type { AnyProjection } from "../src/projections/projection.js";
import { allProjections } from "../src/projections/read-models.js";
import { openConversationDatabase } from "./conversation-database.js";
import { ConversationWriter, conversationPart } from "./conversation-writer.js";
import { appendPartFile, createConversationDir, forkByCopy } from "./file-copy-conversation.js";
import { inTurn } from "./measure.js";
import { median, microseconds } from "./median.js";
import { notice } from "./notice.js";
import { type BenchRow, benchRow } from "./row.js";

const SIZES = [10, 1_000, 10_000] as const;
/** Forks timed per size, each side. */
const FORKS = 21;
const count = new Intl.NumberFormat("en-US");

/**
 * Fork cost (issue 3 item 7.3), what spawning a worker pays for its inherited conversation.
 * Ours: append one `ConversationForked` and let the runner fold it into every projection
 * (`runner.catchUp()`: read the new event, apply it and move the checkpoints in one
 * transaction). The baseline: the original runtime's fork, copying the parent's directory part
 * file by part file (read, parse, write) plus meta.json. Neither side appends the task message.
 */
export async function forkCostRows(
  dir: string,
  projections: readonly AnyProjection[] = allProjections,
): Promise<BenchRow[]> {
  const { colony } = await openConversationDatabase(join(dir, "fork-cost.db"), projections);
  const rows: BenchRow[] = [];
  try {
    const writer = new ConversationWriter(colony.events);
    const files = join(dir, "fork-cost-files");
    for (const size of SIZES) {
      const parent = `p${size}`;
      await writer.start(parent);
      await writer.parts(parent, 0, size);
      createConversationDir(join(files, parent), { system_prompt: "You are the queen." });
      for (let seq = 0; seq < size; seq++) appendPartFile(join(files, parent), conversationPart(seq));
    }
    await colony.runner.catchUp();
    const spread: string[] = [];
    for (const size of SIZES) {
      const parent = `p${size}`;
      const oursUs: number[] = [];
      const theirsUs: number[] = [];
      // One untimed fork each to warm statements and caches.
      await writer.fork(`${parent}w`, parent);
      await colony.runner.catchUp();
      forkByCopy(join(files, parent), join(files, `${parent}w`));
      for (let i = 0; i < FORKS; i++) {
        await inTurn(
          i,
          async () => {
            oursUs.push(
              await microseconds(async () => {
                await writer.fork(`${parent}f${i}`, parent);
                await colony.runner.catchUp();
              }),
            );
          },
          async () => {
            theirsUs.push(
              await microseconds(() => {
                if (forkByCopy(join(files, parent), join(files, `${parent}f${i}`)) !== size) {
                  throw new Error(`the file fork of ${parent} copied the wrong number of parts`);
                }
              }),
            );
          },
        );
      }
      spread.push(`${size} parts ${Math.round(Math.min(...oursUs))}-${Math.round(Math.max(...oursUs))} µs`);
      rows.push(
        benchRow(
          `fork a ${count.format(size)}-part conversation: append ConversationForked + fold it ` +
            `(median of ${FORKS}; vs copying its part files; target < 1,000 µs = 1 ms)`,
          median(oursUs),
          "µs per fork (lower is better)",
          median(theirsUs),
        ),
      );
    }
    notice(`fork: our fork times ranged ${spread.join(", ")}`);
  } finally {
    await colony.close();
  }
  return rows;
}
