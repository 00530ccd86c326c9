import { join } from "node:path";
import { liveContext } from "../src/projections/conversations/live-context.js";
import type { AnyProjection } from "../src/projections/projection.js";
import { allProjections } from "../src/projections/read-models.js";
import { openConversationDatabase, readModelsOf } from "./conversation-database.js";
import { ConversationWriter, conversationPart } from "./conversation-writer.js";
import { appendPartFile, createConversationDir, forkByCopy, readConversationDir } from "./file-copy-conversation.js";
import { inTurn } from "./measure.js";
import { median, microseconds } from "./median.js";
import { type BenchRow, benchRow } from "./row.js";

const ROOT_PARTS = 7_000;
const PARTS_PER_FORK = 1_000;
const FORK_LEVELS = 3;
const TOTAL_PARTS = ROOT_PARTS + FORK_LEVELS * PARTS_PER_FORK;
const ROUNDS = 11;
/** Our reads per round (the file baseline reads once per round: it is ~100x slower). */
const OURS_PER_ROUND = 5;
const count = new Intl.NumberFormat("en-US");

/**
 * Live-context read (issue 3 item 7.2): a conversation of 7,000 parts forked three times, each
 * fork adding 1,000 parts, so the deepest fork sees 10,000 parts of which 9,000 are inherited.
 * Ours: `liveContext` on the conversations read model (ancestry + parts, never copied). The
 * baseline: the same conversation in the original runtime's layout, where each fork copied its
 * parent's part files, so the deepest fork's directory holds 10,000 files to read and parse.
 */
export async function liveContextRows(
  dir: string,
  projections: readonly AnyProjection[] = allProjections,
): Promise<BenchRow[]> {
  const { colony, readModels } = await openConversationDatabase(join(dir, "live-context.db"), projections);
  try {
    const writer = new ConversationWriter(colony.events);
    const files = join(dir, "live-context-files");
    await writer.start("root");
    createConversationDir(join(files, "root"), { system_prompt: "You are the queen." });
    await writer.parts("root", 0, ROOT_PARTS);
    for (let seq = 0; seq < ROOT_PARTS; seq++) appendPartFile(join(files, "root"), conversationPart(seq));
    let parent = "root";
    let next = ROOT_PARTS;
    for (let level = 1; level <= FORK_LEVELS; level++) {
      const fork = `fork${level}`;
      await writer.fork(fork, parent);
      forkByCopy(join(files, parent), join(files, fork));
      await writer.parts(fork, next, PARTS_PER_FORK);
      for (let seq = next; seq < next + PARTS_PER_FORK; seq++) appendPartFile(join(files, fork), conversationPart(seq));
      next += PARTS_PER_FORK;
      parent = fork;
    }
    await colony.runner.catchUp();

    const ours = async (db = readModels) => {
      const context = await liveContext(db, parent);
      const last = context?.parts.at(-1);
      if (context?.parts.length !== TOTAL_PARTS || last?.content !== conversationPart(TOTAL_PARTS - 1).content) {
        throw new Error(`liveContext(${parent}) returned ${context?.parts.length} parts, expected ${TOTAL_PARTS}`);
      }
    };
    const theirs = () => {
      const parts = readConversationDir(join(files, parent));
      if (parts.length !== TOTAL_PARTS || parts.at(-1)?.content !== conversationPart(TOTAL_PARTS - 1).content) {
        throw new Error(`the file layout returned ${parts.length} parts, expected ${TOTAL_PARTS}`);
      }
    };
    await ours();
    theirs();
    const oursUs: number[] = [];
    const coldUs: number[] = [];
    const theirsUs: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      await inTurn(
        round,
        async () => {
          for (let i = 0; i < OURS_PER_ROUND; i++) oursUs.push(await microseconds(() => ours()));
          // A connection of its own has parsed no part yet: every part's text comes from the log.
          const fresh = readModelsOf(colony.events.database);
          coldUs.push(await microseconds(() => ours(fresh)));
        },
        async () => {
          theirsUs.push(await microseconds(theirs));
        },
      );
    }
    const what = `live context of a ${count.format(TOTAL_PARTS)}-part conversation behind ${FORK_LEVELS} forks`;
    const fileBaseline = `parsing its ${count.format(TOTAL_PARTS)} part files, median of ${theirsUs.length}`;
    return [
      benchRow(
        `${what}, liveContext as an agent's next turn reads it, the parts' text parsed before ` +
          `(median of ${oursUs.length}; vs ${fileBaseline}; target < 20,000 µs = 20 ms)`,
        median(oursUs),
        "µs per read (lower is better)",
        median(theirsUs),
      ),
      benchRow(
        `${what}, first liveContext on a connection, every part's text read and parsed from the log ` +
          `(median of ${coldUs.length}; vs ${fileBaseline})`,
        median(coldUs),
        "µs per read (lower is better)",
        median(theirsUs),
      ),
    ];
  } finally {
    await colony.close();
  }
}
