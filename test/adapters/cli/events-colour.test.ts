import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { wantsColour } from "../../../src/adapters/cli/events-command.js";
import { appendTo, Capture, cli, seed, tempDir, until } from "./helpers.js";

let tmp: ReturnType<typeof tempDir>;
let db: string;
beforeEach(async () => {
  tmp = tempDir();
  db = tmp.path("log.db");
  await seed(db);
});
afterEach(() => {
  vi.unstubAllEnvs();
  tmp.remove();
});

/** A stdout that says it is a terminal, as process.stdout does on one. */
const terminal = () => Object.assign(new Capture(), { isTTY: true });
// biome-ignore lint/suspicious/noControlCharactersInRegex: escape sequences are what is looked for
const SGR = /\u001b\[[0-9;]*m/g;
const plain = (text: string) => text.replace(SGR, "");
const ESC = "\u001b";
/** A cell painted with SGR code `sgr`: the text, its padding, then the reset. */
const painted = (sgr: number, text: string) => new RegExp(`${ESC}\\[${sgr}m${text} *${ESC}\\[0m`);

describe("colony events on a terminal", () => {
  it("paints each row's stream and type by category, and is the plain table once the colours are taken out", async () => {
    vi.stubEnv("NO_COLOR", undefined);
    const coloured = await cli(["events", "--db", db], { stdout: terminal(), columns: 120 });
    const piped = await cli(["events", "--db", db], { columns: 120 });
    expect(coloured.code).toBe(0);
    expect(piped.stdout).not.toMatch(SGR);
    expect(plain(coloured.stdout)).toBe(piped.stdout);
    const rows = coloured.stdout.trimEnd().split("\n");
    // The header stays plain; tasks are green, workers yellow, colonies magenta.
    expect(rows[0]).not.toMatch(SGR);
    expect(rows[1]).toMatch(painted(32, "task-a"));
    expect(rows[1]).toMatch(painted(32, "TaskSeeded"));
    expect(rows[2]).toMatch(painted(33, "worker-w1"));
    expect(rows.at(-1)).toMatch(painted(35, "colony-c1"));
  });

  it("stays plain with NO_COLOR set, and for --json", async () => {
    vi.stubEnv("NO_COLOR", "1");
    const noColour = await cli(["events", "--db", db], { stdout: terminal() });
    expect(noColour.code).toBe(0);
    expect(noColour.stdout).not.toMatch(SGR);
    vi.stubEnv("NO_COLOR", undefined);
    const json = await cli(["events", "--db", db, "--json"], { stdout: terminal() });
    expect(json.stdout).not.toMatch(SGR);
    // NO_COLOR only counts when it is set to something (no-color.org).
    expect(wantsColour(terminal(), { NO_COLOR: "" })).toBe(true);
    expect(wantsColour(terminal(), { NO_COLOR: "0" })).toBe(false);
    expect(wantsColour(new Capture(), {})).toBe(false);
  });

  it("--follow paints the live rows too, failures in red", async () => {
    vi.stubEnv("NO_COLOR", undefined);
    const stop = new AbortController();
    const stdout = terminal();
    const running = cli(["events", "--db", db, "--follow", "--from", "6"], { signal: stop.signal, stdout });
    await until(() => plain(stdout.text).includes("TimersPaused"), "the existing event");
    await appendTo(db, "worker-w1", "WorkerFailed", { error: "provider unreachable", fatal: false });
    await until(() => plain(stdout.text).includes("WorkerFailed"), "the appended event");
    stop.abort();
    const run = await running;
    expect(run.code).toBe(0);
    const live = stdout.text.trimEnd().split("\n").at(-1) as string;
    expect(live).toMatch(painted(33, "worker-w1"));
    expect(live).toMatch(painted(31, "WorkerFailed"));
    expect(plain(live)).toContain('error="provider unreachable" fatal=false');
  });
});
