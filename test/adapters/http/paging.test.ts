import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { apiHosts } from "./api-fixture.js";

const hosts = apiHosts();

// Functions, so that a loop feeding each page's next_from back in can infer the pages' types.
type Client = Awaited<ReturnType<typeof hosts.listen>>["client"];
const readLog = (client: Client, from: number, limit: number) =>
  client.GET("/api/log", { params: { query: { from, limit } } });
const readStream = (client: Client, stream_id: string, from: number, limit: number) =>
  client.GET("/api/streams/{stream_id}", { params: { path: { stream_id }, query: { from, limit } } });

async function allPositions(events: AsyncIterable<{ position: bigint }>): Promise<number[]> {
  const positions: number[] = [];
  for await (const event of events) positions.push(Number(event.position));
  return positions;
}

describe("paging", () => {
  it("gives every event of the log exactly once, in order, whatever the page size, while the log grows", async () => {
    const { host, run } = await hosts.demo();
    const { client } = await hosts.listen(host);
    let marks = 0;
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 400 }), fc.nat({ max: 12 }), async (limit, appends) => {
        const seen: number[] = [];
        let from: number | null = 0;
        let toAppend = appends;
        while (from !== null) {
          const page = await readLog(client, from, limit);
          expect(page.response.status).toBe(200);
          const events = page.data?.events ?? [];
          expect(events.length).toBeLessThanOrEqual(limit);
          seen.push(...events.map((e) => e.position));
          from = page.data?.next_from ?? null;
          // A writer appends between pages: the walk still sees each event once and ends at the head.
          if (from !== null && toAppend-- > 0) {
            await host.conversations.markCheckpoint(run.colonyConversationId, `mark ${marks++}`);
          }
        }
        expect(seen).toEqual(await allPositions(host.db.events.readAll()));
        expect(seen.at(-1)).toBe(Number(await host.db.events.headPosition()));
      }),
      { numRuns: 12 },
    );
  });

  it("gives every version of a stream exactly once, in order", async () => {
    const { host, run } = await hosts.demo();
    const { client } = await hosts.listen(host);
    const stream_id = `conversation-${run.checkpoint.conversationId}`;
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 60 }), async (limit) => {
        const versions: number[] = [];
        let from: number | null = 0;
        let last = -1;
        while (from !== null) {
          const { data } = await readStream(client, stream_id, from, limit);
          versions.push(...(data?.events ?? []).map((e) => e.version));
          last = data?.last_version ?? -1;
          from = data?.next_from ?? null;
        }
        expect(last).toBeGreaterThan(100);
        expect(versions).toEqual(Array.from({ length: last + 1 }, (_, v) => v));
      }),
      { numRuns: 8 },
    );
  });
});
