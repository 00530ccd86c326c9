import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { GENERATED_FILE, liveDocument, typesOf } from "./generate-api-types.js";

describe("the typed client", () => {
  it("is generated from the document the server serves now (npm run gen:api-types after a route changes)", async () => {
    const regenerated = await typesOf(await liveDocument());
    expect(regenerated.length).toBeGreaterThan(0);
    expect(readFileSync(GENERATED_FILE, "utf8")).toBe(regenerated);
  });
});
