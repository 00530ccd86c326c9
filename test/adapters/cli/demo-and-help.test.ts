import { readFileSync, writeFileSync } from "node:fs";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { cli, headOf, seed, tempDir } from "./helpers.js";

let tmp: ReturnType<typeof tempDir>;
beforeEach(() => {
  tmp = tempDir();
});
afterEach(() => tmp.remove());

describe("colony demo", () => {
  it("runs the colony story on the scripted model, leaves a database that rebuilds to the same read models, twice in a row", async () => {
    const db = tmp.path("demo.db");
    for (let run = 0; run < 2; run++) {
      const result = await cli(["demo", "--db", db]);
      expect(result.stderr).toBe("");
      expect(result.code).toBe(0);
      expect(result.stdout).toContain("on the scripted model");
      expect(result.stdout).toMatch(/compacted \((llm|extractive) summary of \d+ parts/);
      expect(result.stdout).toContain("ledger: 24 done");
      expect(result.stdout.match(/ {2}6 tasks {2}"completed 6 tasks"/g)).toHaveLength(4);
      expect(result.stdout).toContain("success: the longest text is");
      expect(result.stdout).toContain("queen: Noted from the background: the longest text is");
      expect(result.stdout).toContain("reproduced the original outcome");
      expect(result.stdout).toContain("0 divergences");
    }
    const verify = await cli(["projections", "rebuild", "--db", db, "--verify"]);
    expect(verify.code).toBe(0);
    expect(verify.stdout).not.toContain("MISMATCH");

    // The commands it prints work on what it left behind.
    const demo = (await cli(["demo", "--db", db])).stdout;
    const [, worker, from] = demo.match(/colony replay (\S+) --db \S+ --from (\d+)/) ?? [];
    const replayed = await cli(["replay", worker as string, "--db", db, "--from", from as string]);
    expect(replayed.code).toBe(0);
    expect(replayed.stdout).toContain("reproduced; 0 divergences");
    const tasks = await cli(["tasks", "list", "--db", db, "--colony", "texts", "--json"]);
    expect(tasks.code).toBe(0);
    // The workers really read the files: every task's evidence holds the file's word figures and checksum.
    const evidence = tasks.stdout.match(/"evidence":"[^"]*"/g) ?? [];
    expect(evidence).toHaveLength(48);
    expect(evidence.filter((e) => /sha256 [0-9a-f]{64}/.test(e))).toHaveLength(24);
    expect(evidence.filter((e) => /read [a-z0-9-]+\.txt: [1-9][0-9]* characters/.test(e))).toHaveLength(24);
  });

  it("replay refuses an unknown worker and a bad mode, appending nothing", async () => {
    const db = tmp.path("demo.db");
    await cli(["demo", "--db", db]);
    const head = await headOf(db);
    const unknown = await cli(["replay", "nobody", "--db", db]);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain("no worker nobody [unknown_worker]");
    const mode = await cli(["replay", "nobody", "--db", db, "--mode", "sideways"]);
    expect(mode.code).toBe(1);
    expect(mode.stderr).toContain("expected recorded or live");
    expect(await headOf(db)).toBe(head);
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
    [["replay"], "colony replay"],
    [["inspect", "colony"], "colony inspect colony texts --db"],
    [["inspect", "session"], "colony inspect session"],
    [["inspect", "worker"], "colony inspect worker"],
    [["inspect", "task"], "colony inspect task"],
    [["fork"], "colony fork"],
    [["diff"], "colony diff"],
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
