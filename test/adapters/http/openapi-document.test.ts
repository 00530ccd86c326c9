import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildApi } from "../../../src/adapters/http/api.js";
import { ColonyHost } from "../../../src/adapters/http/colony-host.js";

let dir: string;
let host: ColonyHost;
let document: {
  paths: Record<
    string,
    Record<
      string,
      { parameters?: { name: string; in: string }[]; responses: Record<string, { content?: Record<string, unknown> }> }
    >
  >;
  components: { schemas: Record<string, unknown> };
};

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "colonylog-openapi-doc-"));
  host = await ColonyHost.open(join(dir, "colony.db"));
  const app = buildApi(host, { version: "test" });
  document = JSON.parse((await app.inject({ method: "GET", url: "/openapi.json" })).body);
  await app.close();
});
afterAll(async () => {
  await host.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("/openapi.json", () => {
  it("resolves every reference it makes (definitions zod nests in a schema are hoisted to components)", () => {
    const refs = JSON.stringify(document).match(/"\$ref":"[^"]+"/g) ?? [];
    expect(refs.length).toBeGreaterThan(1);
    for (const ref of refs) {
      const target = ref.slice('"$ref":"'.length, -1);
      expect(target.startsWith("#/components/schemas/"), target).toBe(true);
      expect(document.components.schemas[target.slice("#/components/schemas/".length)], target).toBeDefined();
    }
  });

  it("documents the event streams: text/event-stream, resumable by Last-Event-ID", () => {
    for (const path of ["/api/events", "/api/sessions/{session_id}/events"]) {
      const get = document.paths[path]?.get;
      expect(get?.responses["200"]?.content).toHaveProperty(["text/event-stream"]);
      expect(get?.parameters).toEqual(
        expect.arrayContaining([expect.objectContaining({ name: "Last-Event-ID", in: "header" })]),
      );
      expect(get?.parameters).toEqual(
        expect.arrayContaining([expect.objectContaining({ name: "types", in: "query" })]),
      );
    }
  });
});
