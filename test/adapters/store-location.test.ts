import { describe, expect, it } from "vitest";
import { describeLocation, parseStoreLocation } from "../../src/adapters/store-location.js";
import { InvalidArgumentError } from "../../src/domain/errors.js";

describe("parseStoreLocation", () => {
  it("a path is a SQLite file, whatever it looks like", () => {
    expect(parseStoreLocation(".colony/demo.db")).toEqual({ kind: "sqlite", file: ".colony/demo.db" });
    expect(parseStoreLocation("/tmp/with:colon.db")).toEqual({ kind: "sqlite", file: "/tmp/with:colon.db" });
  });

  it("postgres:// and postgresql:// name a PostgreSQL database", () => {
    expect(parseStoreLocation("postgres://colony@127.0.0.1:5432/colony")).toEqual({
      kind: "postgres",
      url: "postgres://colony@127.0.0.1:5432/colony",
    });
    expect(parseStoreLocation("POSTGRESQL://h/db").kind).toBe("postgres");
  });

  it("refuses another scheme, a URL without a host and an empty value, naming the flag", () => {
    for (const bad of ["mysql://h/db", "postgres:///db", "  "]) {
      const error = (() => {
        try {
          parseStoreLocation(bad);
        } catch (e) {
          return e;
        }
      })();
      expect(error).toBeInstanceOf(InvalidArgumentError);
      expect((error as InvalidArgumentError).message).toContain("--db");
    }
  });

  it("never shows a URL's password", () => {
    const location = parseStoreLocation("postgres://colony:s3cret@db.example:5432/colony");
    expect(describeLocation(location)).toBe("postgres://colony:***@db.example:5432/colony");
    expect(() => parseStoreLocation("postgres://u:s3cret@/db")).toThrow(/^(?!.*s3cret)/s);
  });
});
