import { ANY, NO_STREAM, STREAM_EXISTS } from "@eventstore/db-client";
import { describe, expect, it } from "vitest";
import {
  fromCurrentRevision,
  fromExpectedRevision,
  toExpectedRevision,
} from "../../../src/adapters/eventstoredb/expected-revision.js";
import type { ExpectedVersion } from "../../../src/domain/errors.js";

describe("expected versions and the client's expected revisions", () => {
  const pairs: [ExpectedVersion, ReturnType<typeof toExpectedRevision>][] = [
    ["any", ANY],
    ["no_stream", NO_STREAM],
    ["stream_exists", STREAM_EXISTS],
    [0n, 0n],
    [41n, 41n],
    [2n ** 63n - 1n, 2n ** 63n - 1n],
  ];

  for (const [ours, client] of pairs) {
    it(`maps ${String(ours)} to the client's ${String(client)} and back`, () => {
      expect(toExpectedRevision(ours)).toBe(client);
      expect(fromExpectedRevision(client)).toBe(ours);
    });
  }

  it("uses the client's own constants, not look-alike strings", () => {
    expect([ANY, NO_STREAM, STREAM_EXISTS]).toEqual(["any", "no_stream", "stream_exists"]);
  });
});

describe("a stream's current revision as the server reported it", () => {
  it('keeps the client\'s "no_stream" and bigint revisions', () => {
    expect(fromCurrentRevision(NO_STREAM)).toBe("no_stream");
    expect(fromCurrentRevision(0n)).toBe(0n);
    expect(fromCurrentRevision(12_345_678_901_234_567_890n)).toBe(12_345_678_901_234_567_890n);
  });

  it('reads the server\'s -1 as "no_stream", and numbers and decimal strings as revisions', () => {
    expect(fromCurrentRevision(-1n)).toBe("no_stream");
    expect(fromCurrentRevision(-1)).toBe("no_stream");
    expect(fromCurrentRevision(7)).toBe(7n);
    expect(fromCurrentRevision("18446744073709551614")).toBe(18_446_744_073_709_551_614n);
  });

  it("gives undefined for what it cannot read, rather than a guess", () => {
    for (const unreadable of [undefined, "", "latest", "1.5", "-3", 1.5, Number.NaN]) {
      expect(fromCurrentRevision(unreadable as never)).toBeUndefined();
    }
  });
});
