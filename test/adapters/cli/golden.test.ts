import Database from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { expectGolden, normalise } from "./golden.js";
import { cli, tempDir } from "./helpers.js";

/**
 * The CLI's outputs on the demo's database, compared with the files under golden/ once what
 * differs from run to run is normalised away (golden.ts). One demo run for the whole file.
 * After a deliberate change to an output: UPDATE_GOLDEN=1 npx vitest run test/adapters/cli/golden.test.ts
 */

let tmp: ReturnType<typeof tempDir>;
let db: string;

/** The demo's actors the goldens look at, found in its read models. */
interface DemoIds {
  readonly firstWorker: string;
  readonly delegationWorker: string;
  readonly firstWorkerConversation: string;
  readonly colonyQueenConversation: string;
  readonly delegationConversation: string;
  readonly replayConversation: string;
  readonly colonySession: string;
  readonly firstTask: string;
}
let ids: DemoIds;

function demoIds(file: string): DemoIds {
  const sqlite = new Database(file, { readonly: true });
  try {
    const one = <T>(sql: string) => sqlite.prepare(sql).pluck().get() as T;
    return {
      firstWorker: one("SELECT id FROM workers WHERE batch_index = 0"),
      delegationWorker: one(
        "SELECT w.id FROM workers w JOIN conversations c ON c.id = w.conversation_id WHERE c.fork_reason = 'delegation'",
      ),
      firstWorkerConversation: one("SELECT conversation_id FROM workers WHERE batch_index = 0"),
      colonyQueenConversation: one("SELECT conversation_id FROM sessions WHERE colony_id = 'texts'"),
      delegationConversation: one("SELECT id FROM conversations WHERE fork_reason = 'delegation'"),
      replayConversation: one("SELECT id FROM conversations WHERE fork_reason LIKE 'replay of %'"),
      colonySession: one("SELECT id FROM sessions WHERE colony_id = 'texts'"),
      firstTask: one("SELECT id FROM tasks WHERE colony_id = 'texts' AND seq = 0"),
    };
  } finally {
    sqlite.close();
  }
}

beforeAll(async () => {
  tmp = tempDir();
  db = tmp.path("demo.db");
  const demo = await cli(["demo", "--db", db]);
  expect(demo.code, demo.stderr).toBe(0);
  ids = demoIds(db);
});
afterAll(() => tmp?.remove());

interface Golden {
  readonly name: string;
  readonly argv: () => string[];
  /** A `colony events` table, whose first column is the position. */
  readonly eventTable?: boolean;
  /** Which worker holds which task depends on scheduling: all ids look alike. */
  readonly sameIds?: boolean;
}

const goldens: readonly Golden[] = [
  { name: "inspect-colony", argv: () => ["inspect", "colony", "texts", "--db", db] },
  // The delegated child: which queue tasks each colony worker gets depends on scheduling, its run does not.
  { name: "inspect-worker", argv: () => ["inspect", "worker", ids.delegationWorker, "--db", db] },
  { name: "inspect-task", argv: () => ["inspect", "task", ids.firstTask, "--db", db] },
  { name: "inspect-session", argv: () => ["inspect", "session", ids.colonySession, "--db", db] },
  // Forked from the person's session, compacted, with the delegated answer as a turn of its own.
  { name: "inspect-conversation", argv: () => ["inspect", "conversation", ids.colonyQueenConversation, "--db", db] },
  { name: "diff-worker-replay", argv: () => ["diff", ids.firstWorkerConversation, ids.replayConversation, "--db", db] },
  {
    name: "diff-worker-delegation",
    argv: () => ["diff", ids.firstWorkerConversation, ids.delegationConversation, "--db", db],
  },
  { name: "tasks-list", argv: () => ["tasks", "list", "--colony", "texts", "--db", db], sameIds: true },
  {
    name: "events-task-stream",
    argv: () => ["events", "--stream", `task-${ids.firstTask}`, "--db", db],
    eventTable: true,
  },
];

describe("golden CLI outputs on the demo database", () => {
  it.each(goldens)("colony $name matches its golden file", async ({ name, argv, eventTable, sameIds }) => {
    const run = await cli(argv());
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    expectGolden(name, normalise(run.stdout, { positionColumn: eventTable === true, sameIds: sameIds === true }));
  });
});

describe("the golden normaliser", () => {
  it("replaces ids (numbered by first appearance), times, durations and positions, and nothing else", () => {
    const text = [
      "worker 01a234e2-6711-7000-a6cb-f4ccc14aa5bf of session 01a234e2-66fd-7000-a647-efa1abf75f2c",
      "  again 01a234e2-6711-7000-a6cb-f4ccc14aa5bf deleg_01a234e267267000b52c1df77e213714 cut 01a234e2-67…",
      "  0  #49       2026-12-02T03:53:02.484Z  cut 2026-12-0…  duration 1046 ms, 44846 tokens, seq 12, v19",
    ].join("\n");
    const id = (n: number) => `<id${n}${".".repeat(36 - 4 - String(n).length)}>`;
    const normalised = normalise(text);
    expect(normalised).toBe(
      [
        `worker ${id(1)} of session ${id(2)}`,
        `  again ${id(1)} deleg_<id3${".".repeat(27)}> cut <id.......>…`,
        `  0  #<pos> <time${".".repeat(18)}>  cut <time...>…  duration <n> ms, 44846 tokens, seq 12, v19`,
      ].join("\n"),
    );
    // Stretched to the length of what they replace, so the golden files' columns stay aligned.
    const lengths = (t: string) => t.split("\n").map((line) => [...line].length);
    expect(lengths(normalised).slice(0, 2)).toEqual(lengths(text).slice(0, 2));
    // The middle of an id cut short is no time: the whole fragment is an id.
    expect(normalise("workerId=01a234eb-c8ac-7000-9…")).toBe(`workerId=<id${".".repeat(16)}>…`);
    expect(normalise("[answers call_24_0] [calls call_7_1]")).toBe("[answers call_NN_N] [calls call_N_N]");
    expect(normalise("     612  task-a  3  TaskClaimed", { positionColumn: true })).toBe(
      "<pos>  task-a  3  TaskClaimed",
    );
    expect(normalise("    12  user  v3  hello")).toBe("    12  user  v3  hello");
  });
});
