import { describe, expect, it } from "vitest";
import { CommandRefusedError, InvalidCommandError } from "../../../src/domain/deciders/refusal.js";
import { LIMITS, sessionWorlds } from "./session-fixture.js";

const world = sessionWorlds();

describe("startSession", () => {
  it("starts the session and the queen's conversation together", async () => {
    const { sessions, conversations, streamEvents, sessionRow } = await world(null);

    const started = await sessions.startSession({
      sessionId: "s1",
      queenId: "charlotte",
      systemPrompt: "Be brief.",
      limits: LIMITS,
    });

    expect(started).toMatchObject({ sessionId: "s1", queenId: "charlotte" });
    expect(await streamEvents("session-s1")).toEqual([
      {
        type: "SessionStarted",
        data: {
          sessionId: "s1",
          queenId: "charlotte",
          conversationId: started.conversationId,
          colonyId: null,
          phase: "independent",
          provenance: { kind: "new" },
        },
      },
    ]);
    expect(await sessionRow("s1")).toMatchObject({ locked: 0, conversation_id: started.conversationId });
    const live = await conversations.live(started.conversationId);
    expect(live).toMatchObject({ systemPrompt: "Be brief.", parts: [] });
    expect((await streamEvents(`conversation-${started.conversationId}`))[0]?.data).toMatchObject({
      owner: { kind: "queen", id: "charlotte" },
      limits: LIMITS,
    });
  });

  it("refuses a taken session or conversation id, writing nothing", async () => {
    const { sessions, db } = await world(null);
    await sessions.startSession({ sessionId: "s1", conversationId: "c1", queenId: "q", systemPrompt: "" });
    const head = await db.events.headPosition();

    await expect(sessions.startSession({ sessionId: "s1", queenId: "q", systemPrompt: "" })).rejects.toMatchObject({
      code: "session_already_started",
    });
    const conversationTaken = sessions.startSession({
      sessionId: "s2",
      conversationId: "c1",
      queenId: "q",
      systemPrompt: "",
    });
    await expect(conversationTaken).rejects.toBeInstanceOf(CommandRefusedError);
    await expect(conversationTaken).rejects.toMatchObject({ code: "conversation_already_exists" });
    await expect(sessions.startSession({ sessionId: "bad id", queenId: "q", systemPrompt: "" })).rejects.toBeInstanceOf(
      InvalidCommandError,
    );
    expect(await db.events.headPosition()).toBe(head);
    expect(await db.events.streamVersion("session-s2")).toBe("no_stream");
  });
});
