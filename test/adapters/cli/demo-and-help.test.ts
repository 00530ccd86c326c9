import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { cli, headOf, seed, tempDir } from "./helpers.js";

let tmp: ReturnType<typeof tempDir>;
beforeEach(() => {
  tmp = tempDir();
});
afterEach(() => tmp.remove());

describe("colony demo", () => {
  it("runs the round trip and exits 0, twice in a row on the same path", async () => {
    const db = tmp.path("demo.db");
    for (let run = 0; run < 2; run++) {
      const result = await cli(["demo", "--db", db]);
      expect(result.stderr).toBe("");
      expect(result.code).toBe(0);
      expect(result.stdout).toContain("demo ok");
      expect(result.stdout).toContain("actual version 5");
      expect(result.stdout).toContain("identical, byte for byte");
      expect(await headOf(db)).toBe(20n);
    }
    expect(existsSync(tmp.path("demo.import.db"))).toBe(true);
    const exported = readFileSync(tmp.path("demo.export.jsonl"), "utf8");
    expect(exported.trimEnd().split("\n")).toHaveLength(20);
    // The demo's log reads back through the other verbs.
    const events = await cli(["events", "--db", db, "--stream", "task-t1"]);
    expect(events.stdout).toContain("TaskCompleted");
  });

  it("refuses to delete a log it did not write", async () => {
    const db = tmp.path("precious.db");
    await seed(db);
    const result = await cli(["demo", "--db", db]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("is not a log the demo wrote; refusing to delete it");
    expect(await headOf(db)).toBe(6n);

    const notes = tmp.path("notes.db");
    writeFileSync(notes, "not sqlite at all");
    expect((await cli(["demo", "--db", notes])).code).toBe(1);
    expect(readFileSync(notes, "utf8")).toBe("not sqlite at all");
  });
});

describe("--help", () => {
  it.each([
    [[], "colony demo"],
    [["events"], "colony events --db"],
    [["export"], "colony export --db"],
    [["import"], "colony import --db"],
    [["demo"], "colony demo --db"],
  ])("colony %j --help exits 0 with an example", async (verb, example) => {
    const run = await cli([...verb, "--help"]);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain("Example:");
    expect(run.stdout).toContain(example);
    expect(run.stdout).toContain("Usage: colony");
  });

  it("colony with no verb prints the help and exits non-zero", async () => {
    const run = await cli([]);
    expect(run.code).not.toBe(0);
    expect(run.stderr).toContain("Usage: colony");
  });
});
