import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterEach, describe, expect, it } from "vitest";
import { openColonyDatabase } from "../../../src/adapters/sqlite/open-colony-database.js";
import { projectAt } from "../../../src/adapters/sqlite/project-at.js";
import { readStoredCheckpoints } from "../../../src/adapters/sqlite/projection-maintenance.js";
import { SqliteEventStore } from "../../../src/adapters/sqlite/sqlite-event-store.js";
import { hashProjectionTables } from "../../../src/adapters/sqlite/table-hash.js";
import { allProjections } from "../../../src/projections/read-models.js";
import { killAllChildren, repoRoot, startChild } from "../../support/child-processes.js";
import { ColonyStory, eventCount, seededDraw } from "./colony-story.js";

const child = join(repoRoot, "test/projections/runner/rebuild-child.ts");
const EVENTS = 50_000;

let dir: string | undefined;
afterEach(() => {
  killAllChildren();
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

/** A log of at least `count` events of every category, written in transactions of ~500 appends. */
async function writeLog(file: string, count: number): Promise<bigint> {
  const store = SqliteEventStore.open(file);
  try {
    const story = new ColonyStory(seededDraw(2024));
    for (let written = 0; written < count; ) {
      const appends = story.appends(Math.min(500, count - written));
      await store.appendMany(appends);
      written += eventCount(appends);
    }
    return await store.headPosition();
  } finally {
    await store.close();
  }
}

function checkpoints(file: string): bigint[] {
  const db = new Database(file, { readonly: true });
  try {
    const stored = readStoredCheckpoints(db);
    return allProjections.map((p) => stored.get(p.name)?.position ?? -1n);
  } finally {
    db.close();
  }
}

describe("a rebuild killed midway", () => {
  it("resumes from its last committed batch, and ends with the rows of a full rebuild", async () => {
    dir = mkdtempSync(join(tmpdir(), "colonylog-kill-"));
    const file = join(dir, "colony.db");
    const head = await writeLog(file, EVENTS);

    const rebuild = startChild(child, [file, "50"]);
    const first = JSON.parse(await rebuild.nextLine()) as { events: number; position: number; target: number };
    expect(first).toMatchObject({ events: 50, position: 50, target: Number(head) });
    await rebuild.kill();

    // Every projection stopped at the same committed batch boundary, past the start, short of the head.
    const after = checkpoints(file);
    const killedAt = after[0] as bigint;
    expect(new Set(after).size).toBe(1);
    expect(killedAt).toBeGreaterThan(0n);
    expect(killedAt).toBeLessThan(head);
    expect(killedAt % 50n).toBe(0n);

    // Reopening catches up from the checkpoint: it reads only the events after it.
    const db = await openColonyDatabase(file, { warn: () => {} });
    try {
      let applied = 0;
      const onProgress = (p: { events: number }) => {
        applied = p.events;
      };
      expect(await db.runner.catchUp({ onProgress })).toBe(head);
      expect(BigInt(applied)).toBe(head - killedAt);

      const full = await projectAt(db.events, head, { warn: () => {} });
      try {
        const resumed = hashProjectionTables(db.events.database, allProjections);
        expect(resumed.every((h) => h.exists)).toBe(true);
        expect(resumed).toEqual(hashProjectionTables(full.database, allProjections));
      } finally {
        await full.close();
      }
    } finally {
      await db.close();
    }
  });
});
