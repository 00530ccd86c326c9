import { existsSync } from "node:fs";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { toEventJson } from "../../../src/adapters/cli/event-json.js";
import { summariseData } from "../../../src/adapters/cli/event-table.js";
import type { RecordedEvent } from "../../../src/domain/envelope.js";
import { appendTo, Capture, cli, seed, tempDir, until } from "./helpers.js";

let tmp: ReturnType<typeof tempDir>;
let db: string;
let stored: RecordedEvent[];
beforeEach(async () => {
  tmp = tempDir();
  db = tmp.path("log.db");
  stored = await seed(db);
});
afterEach(() => tmp.remove());

const jsonLines = (text: string) =>
  text
    .trimEnd()
    .split("\n")
    .filter((l) => l.length > 0)
    .map((l) => JSON.parse(l));

describe("colony events --json", () => {
  it("prints one RecordedEventJson per line, matching what was appended", async () => {
    const run = await cli(["events", "--db", db, "--json"]);
    expect(run.code).toBe(0);
    const printed = jsonLines(run.stdout);
    expect(printed).toEqual(stored.map(toEventJson));
    expect(typeof printed[0].position).toBe("number");
    expect(typeof printed[0].version).toBe("number");
    expect(printed[0].data.payload["naïve ✓"]).toBe("ünïcödé \u2028 line");
  });

  it("--stream reads one stream in version order", async () => {
    const run = await cli(["events", "--db", db, "--json", "--stream", "task-a"]);
    expect(run.code).toBe(0);
    const printed = jsonLines(run.stdout);
    expect(printed.map((e) => [e.streamId, e.version, e.type])).toEqual([
      ["task-a", 0, "TaskSeeded"],
      ["task-a", 1, "TaskClaimed"],
      ["task-a", 2, "StepStarted"],
    ]);
  });

  it("--from starts at a global position, inclusive, with or without --stream", async () => {
    const all = await cli(["events", "--db", db, "--json", "--from", "3"]);
    expect(jsonLines(all.stdout).map((e) => e.position)).toEqual([3, 4, 5, 6]);
    const one = await cli(["events", "--db", db, "--json", "--stream", "task-a", "--from", "4"]);
    expect(jsonLines(one.stdout).map((e) => [e.position, e.version])).toEqual([
      [4, 1],
      [5, 2],
    ]);
    const past = await cli(["events", "--db", db, "--json", "--from", "999"]);
    expect(past.code).toBe(0);
    expect(past.stdout).toBe("");
  });
});

describe("colony events (table)", () => {
  it("prints an aligned table with the types and a data summary", async () => {
    const run = await cli(["events", "--db", db]);
    expect(run.code).toBe(0);
    const lines = run.stdout.trimEnd().split("\n");
    expect(lines[0]).toMatch(/^POSITION {2}STREAM +VERSION {2}TYPE +RECORDED AT +DATA$/);
    expect(lines).toHaveLength(stored.length + 1);
    for (const event of stored) expect(run.stdout).toContain(event.type);
    // Every row starts its TYPE column where the header does.
    const typeAt = (lines[0] as string).indexOf("TYPE");
    stored.forEach((event, i) => {
      expect((lines[i + 1] as string).slice(typeAt).startsWith(event.type)).toBe(true);
    });
    expect(lines[1]).toContain('goal="Write the README"');
    // Without a terminal the summary gets 80 characters, the cut marked with an ellipsis.
    const dataAt = (lines[0] as string).indexOf("DATA");
    expect((lines[1] as string).slice(dataAt)).toHaveLength(80);
    expect(lines[1]).toMatch(/…$/);
    expect(lines[2]?.slice(dataAt)).toBe("attempt=1");
  });

  it("fits each row to the terminal's width when there is one", async () => {
    const run = await cli(["events", "--db", db], { columns: 110 });
    const lines = run.stdout.trimEnd().split("\n");
    for (const line of lines.slice(1)) expect([...line].length).toBeLessThanOrEqual(110);
    expect(lines[1]).toMatch(/…$/);
  });

  it("summarises data on one line and truncates it", () => {
    expect(summariseData({ a: "x", b: [1, 2], c: { d: 1 }, e: null, f: "two words\n" })).toBe(
      'a=x b=[2] c={d} e=null f="two words\\n"',
    );
  });

  it("says so when there are no events", async () => {
    const run = await cli(["events", "--db", db, "--stream", "task-nothing"]);
    expect(run.code).toBe(0);
    expect(run.stdout).toBe("");
    expect(run.stderr).toContain("no events");
  });
});

describe("colony events, bad input", () => {
  it("refuses an unknown stream category with a clear message", async () => {
    const run = await cli(["events", "--db", db, "--stream", "robot-7"]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('invalid stream id "robot-7": unknown category "robot"');
    expect(run.stderr).toContain("known: colony, session, conversation, worker, task, idempotency");
    expect(run.stderr).not.toMatch(/\n\s+at /);
  });

  it.each(["0", "-1", "abc", "1.5", "99999999999999999999"])("refuses --from %s", async (from) => {
    const run = await cli(["events", "--db", db, "--from", from]);
    expect(run.code).not.toBe(0);
    expect(run.stderr).toContain("--from");
    expect(run.stderr).toContain("positive integer");
  });

  it("refuses a missing log and does not create it", async () => {
    const missing = tmp.path("missing.db");
    const run = await cli(["events", "--db", missing, "--follow"]);
    expect(run.code).toBe(1);
    expect(run.stderr).toBe(`error: no log at ${missing} [no_log]\n`);
    expect(existsSync(missing)).toBe(false);
  });

  it("refuses a file that is not a log", async () => {
    const run = await cli(["events", "--db", tmp.dir]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain("cannot open log");
  });

  it("exits non-zero on unknown verbs and options, with commander's message", async () => {
    const verb = await cli(["evnets"]);
    expect(verb.code).not.toBe(0);
    expect(verb.stderr).toContain("unknown command 'evnets'");
    const option = await cli(["events", "--db", db, "--colour"]);
    expect(option.code).not.toBe(0);
    expect(option.stderr).toContain("unknown option '--colour'");
  });
});

describe("colony events --follow", () => {
  it("prints the existing events, then new ones as they are appended, until aborted", async () => {
    const stop = new AbortController();
    const stdout = new Capture();
    const running = cli(["events", "--db", db, "--json", "--follow", "--from", "5"], {
      signal: stop.signal,
      stdout,
    });
    await until(() => jsonLines(stdout.text).length === 2, "the existing events");
    const appended = await appendTo(db, "task-b", "TaskClaimed", { workerId: "w2", claimToken: "t" });
    await until(() => jsonLines(stdout.text).length === 3, "the appended event");
    stop.abort();
    const run = await running;
    expect(run.code).toBe(0);
    expect(jsonLines(stdout.text).map((e) => e.position)).toEqual([5, 6, Number(appended.position)]);
    expect(jsonLines(stdout.text)[2]).toEqual(toEventJson(appended));
  });

  it("with --stream, prints only that stream's new events", async () => {
    const stop = new AbortController();
    const stdout = new Capture();
    const running = cli(["events", "--db", db, "--follow", "--stream", "task-b"], { signal: stop.signal, stdout });
    await until(() => stdout.text.includes("TaskSeeded"), "the table");
    await appendTo(db, "worker-w1", "WorkerStopped", { reason: "done" });
    await appendTo(db, "task-b", "TaskClaimed", { workerId: "w2", claimToken: "t" });
    await until(() => stdout.text.includes("TaskClaimed"), "the appended event");
    stop.abort();
    expect((await running).code).toBe(0);
    expect(stdout.text).not.toContain("WorkerStopped");
    const lines = stdout.text.trimEnd().split("\n");
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatch(/^POSITION/);
  });
});
