import { describe, expect, it } from "vitest";
import { z } from "zod";
import { UuidV7Generator } from "../../../src/adapters/system/uuid-v7.js";

describe("UuidV7Generator", () => {
  it("produces RFC 9562 version 7 ids carrying the millisecond time", () => {
    const ids = new UuidV7Generator(() => 0x0190a1b2c3d4);
    const id = ids.uuid();
    expect(z.uuid({ version: "v7" }).safeParse(id).success).toBe(true);
    expect(id.startsWith("0190a1b2-c3d4-7")).toBe(true);
    expect(["8", "9", "a", "b"]).toContain(id[19]);
  });

  it("stays strictly increasing within one millisecond and when the clock steps back", () => {
    let now = 1_700_000_000_000;
    const ids = new UuidV7Generator(() => now);
    const made: string[] = [];
    for (let i = 0; i < 10_000; i++) {
      if (i === 5000) now -= 10;
      made.push(ids.uuid());
    }
    expect(new Set(made).size).toBe(made.length);
    expect([...made].sort()).toEqual(made);
  });
});
