import { join } from "node:path";
import { openColonyDatabase } from "../src/adapters/sqlite/open-colony-database.js";
import { bytesPerTable, fileBytesOnDisk, sqliteBytesOnDisk } from "./file-size.js";
import { notice } from "./notice.js";
import { type LangGraphConversation, loadLangGraphSqlite } from "./peers/langgraph-sqlite.js";
import { type BenchRow, benchRow } from "./row.js";
import { rawTurnBytes, turn } from "./turns.js";

export const STORAGE_TURNS = [10, 100, 500] as const;
const UNIT = "bytes on disk (lower is better)";
const LOG_TABLES = new Set(["events", "colonylog_log_schema"]);

interface Sizes {
  /** Raw message text after each measured turn count. */
  readonly raw: Map<number, number>;
  readonly bytes: Map<number, number>;
  /** The file before the first turn: every table and index of the schema, a page at least each. */
  readonly empty?: number;
}

/**
 * Storage (issue 3 item 7.4): one conversation, turn after turn (a person's message and the
 * reply, ~400 characters each), in our SQLite file (the log and every registered read model,
 * kept current after each turn, as a running colony keeps them) and, when installed, in
 * LangGraph's SqliteSaver; bytes on disk after 10, 100 and 500 turns beside the raw text.
 */
export async function storageRows(dir: string): Promise<BenchRow[]> {
  const ours = await colonylogSizes(join(dir, "storage-colonylog.db"));
  const empty = ours.empty ?? 0;
  const rows = [
    ...STORAGE_TURNS.map((turns) =>
      benchRow(
        `storage after ${turns} turns: colonylog file, log + read models (vs raw text)`,
        ours.bytes.get(turns) as number,
        UNIT,
        ours.raw.get(turns) as number,
      ),
    ),
    ...STORAGE_TURNS.map((turns) =>
      benchRow(
        `storage after ${turns} turns: what the turns added to the colonylog file, beyond the ` +
          `${empty.toLocaleString("en-US")} bytes of an empty colony database (vs raw text; target at 500 <= 2x)`,
        (ours.bytes.get(turns) as number) - empty,
        UNIT,
        ours.raw.get(turns) as number,
      ),
    ),
  ];
  const langgraph = loadLangGraphSqlite();
  if (!langgraph.available) {
    notice(`peer @langchain/langgraph-checkpoint-sqlite skipped: ${langgraph.reason}`);
    return rows;
  }
  let peer: Sizes;
  try {
    peer = await langGraphSizes(langgraph.open, join(dir, "storage-langgraph.db"));
  } catch (error) {
    notice(`peer langgraph-checkpoint-sqlite failed: ${error instanceof Error ? error.message : String(error)}`);
    return rows;
  }
  notice(
    `langgraph-checkpoint-sqlite ${langgraph.version}: one checkpoint per turn holding the whole message list ` +
      "(a real StateGraph.invoke writes an input checkpoint, one per superstep and pending writes besides: more bytes, not fewer)",
  );
  return [
    ...rows,
    ...STORAGE_TURNS.map((turns) =>
      benchRow(
        `storage after ${turns} turns: peer langgraph-checkpoint-sqlite, a checkpoint per turn (vs raw text)`,
        peer.bytes.get(turns) as number,
        UNIT,
        peer.raw.get(turns) as number,
      ),
    ),
  ];
}

async function colonylogSizes(file: string): Promise<Sizes> {
  const db = await openColonyDatabase(file);
  const raw = new Map<number, number>();
  const bytes = new Map<number, number>();
  const stream = "conversation-k1";
  try {
    const empty = sqliteBytesOnDisk(db.events.database, file);
    let version = (
      await db.events.append(
        stream,
        [
          {
            type: "ConversationStarted",
            data: {
              conversationId: "k1",
              owner: { kind: "queen", id: "q1" },
              systemPrompt: "You are the queen.",
              limits: { maxContextTokens: 200_000, compactionBufferTokens: 8_000, compactionRatio: 0.2 },
            },
          },
        ],
        { expectedVersion: "no_stream" },
      )
    ).nextExpectedVersion;
    let text = 0;
    const last = STORAGE_TURNS[STORAGE_TURNS.length - 1] as number;
    for (let i = 0; i < last; i++) {
      const t = turn(i);
      text += rawTurnBytes(t);
      // The person's message arrives, later the reply: two appends, as the agent loop makes them.
      for (const data of [
        { seq: 2 * i, role: "user", content: t.user, flags: { clientInput: true } },
        { seq: 2 * i + 1, role: "assistant", ...t.assistant },
      ]) {
        version = (
          await db.events.append(stream, [{ type: "MessagePartAppended", data }], { expectedVersion: version })
        ).nextExpectedVersion;
        await db.runner.catchUp();
      }
      const turns = i + 1;
      if ((STORAGE_TURNS as readonly number[]).includes(turns)) {
        raw.set(turns, text);
        bytes.set(turns, sqliteBytesOnDisk(db.events.database, file));
        if (turns === last) describeSplit(bytesPerTable(db.events.database), turns, text);
      }
    }
    return { raw, bytes, empty };
  } finally {
    await db.close();
  }
}

function describeSplit(tables: Map<string, number>, turns: number, raw: number): void {
  let log = 0;
  const models: string[] = [];
  for (const [table, bytes] of tables) {
    if (LOG_TABLES.has(table)) log += bytes;
    else if (bytes > 4096) models.push(`${table} ${bytes}`);
  }
  notice(
    `storage after ${turns} turns: the log (events table and its indexes) takes ${log} bytes ` +
      `(${(log / raw).toFixed(2)}x the raw text); read-model tables over one page: ${models.join(", ") || "none"}`,
  );
}

async function langGraphSizes(open: (file: string) => LangGraphConversation, file: string): Promise<Sizes> {
  const thread = open(file);
  const raw = new Map<number, number>();
  const bytes = new Map<number, number>();
  try {
    let text = 0;
    const last = STORAGE_TURNS[STORAGE_TURNS.length - 1] as number;
    for (let i = 0; i < last; i++) {
      const t = turn(i);
      text += rawTurnBytes(t);
      await thread.turn(t);
      const turns = i + 1;
      if ((STORAGE_TURNS as readonly number[]).includes(turns)) {
        raw.set(turns, text);
        thread.checkpointWal();
        bytes.set(turns, fileBytesOnDisk(file));
      }
    }
  } finally {
    thread.close();
  }
  return { raw, bytes };
}
