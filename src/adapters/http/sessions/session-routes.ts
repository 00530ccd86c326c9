import { z } from "zod";
import { Id } from "../../../domain/events/fields.js";
import { SessionPhase } from "../../../domain/events/session.js";
import { startSession } from "../../../runtime/sessions/start-session.js";
import { ApiError } from "../api-error.js";
import { type AnyRoute, defineRoute } from "../route.js";
import type { SessionApi } from "./session-api.js";
import { requireSession, requireUnlocked } from "./session-lookup.js";
import { SessionParams, SessionView, sessionView } from "./session-view.js";

const DEFAULT_QUEEN_PROMPT =
  "You are the queen of a colony of agents. You talk with a person, split their request into tasks, " +
  "create a colony for them, and collect the workers' reports.";

/** How queen-context parts read to her: the original's marker for what the person did not say. */
const EXTERNAL_EVENT = "[External event]: ";

const tags = ["sessions"];

/** The queen's session itself: start it, read it, talk to her, give her context, cancel her turn. */
export function queenRoutes(api: SessionApi): AnyRoute[] {
  const { host, queens, work } = api;
  const view = async (sessionId: string) => sessionView(host, queens, await requireSession(host, sessionId));
  return [
    defineRoute({
      method: "POST",
      path: "/api/sessions",
      operationId: "startSession",
      summary: "Start a queen session: the session and the queen's conversation, in one append",
      tags,
      body: z
        .strictObject({
          session_id: Id.optional(),
          queen_id: Id.optional(),
          system_prompt: z.string().min(1).optional(),
          initial_phase: SessionPhase.optional(),
        })
        .optional(),
      response: SessionView,
      status: 201,
      errors: [409],
      handler: async ({ body }) => {
        const started = await startSession(host.sessions, {
          ...(body?.session_id ? { sessionId: body.session_id } : {}),
          queenId: body?.queen_id ?? "queen",
          systemPrompt: body?.system_prompt ?? DEFAULT_QUEEN_PROMPT,
          ...(body?.initial_phase ? { phase: body.initial_phase } : {}),
        });
        return view(started.sessionId);
      },
    }),
    defineRoute({
      method: "GET",
      path: "/api/sessions/:session_id",
      operationId: "getSession",
      summary: "A session: phase, provenance, the colony-spawned lock, its colony and the queen's turn",
      tags,
      params: SessionParams,
      response: SessionView,
      errors: [404],
      handler: async ({ params }) => view(params.session_id),
    }),
    defineRoute({
      method: "POST",
      path: "/api/sessions/:session_id/chat",
      operationId: "chat",
      summary: "Send the person's message to the queen: it starts her turn, or joins the one she is in",
      tags,
      params: SessionParams,
      body: z.strictObject({
        message: z.string().min(1, "message is required"),
        /** What the UI shows for the message, when the queen is given a richer text. */
        display_message: z.string().optional(),
        images: z.array(z.unknown()).optional(),
      }),
      response: z.strictObject({
        status: z.literal("queen"),
        delivered: z.literal(true),
        session_id: Id,
        conversation_id: Id,
        /** started: a turn begins with it; running: she is mid-turn and reads it at her next step. */
        turn: z.enum(["started", "running"]),
        display_message: z.string(),
      }),
      errors: [404, 409, 422],
      handler: async ({ params, body }) => {
        const row = await requireSession(host, params.session_id);
        requireUnlocked(row);
        if (body.images && body.images.length > 0) {
          throw new ApiError(
            422,
            "images_not_supported",
            "the model port takes text only: send the message without images",
            {
              field: "body.images",
            },
          );
        }
        const turn = queens.chat(row.id, body.message, work.model("chat"));
        return {
          status: "queen" as const,
          delivered: true as const,
          session_id: row.id,
          conversation_id: row.conversation_id,
          turn,
          display_message: body.display_message ?? body.message,
        };
      },
    }),
    defineRoute({
      method: "POST",
      path: "/api/sessions/:session_id/queen-context",
      operationId: "queenContext",
      summary: "Give the queen context for her next turn without starting one",
      tags,
      params: SessionParams,
      body: z.strictObject({ message: z.string().min(1, "message is required") }),
      response: z.strictObject({
        status: z.literal("queued"),
        /** true: in her conversation now; false: she is mid-turn, it is appended when the turn ends. */
        delivered: z.boolean(),
        session_id: Id,
        seq: z.number().int().nullable(),
      }),
      errors: [404, 409],
      handler: async ({ params, body }) => {
        const row = await requireSession(host, params.session_id);
        // A locked session takes no further turn, so context for one would never be read.
        requireUnlocked(row);
        const part = { role: "user" as const, content: `${EXTERNAL_EVENT}${body.message}`, flags: { trigger: true } };
        const { idle, appended } = queens.between(row.id, async () => {
          const [stored] = await host.conversations.append(row.conversation_id, part);
          return stored?.seq ?? -1;
        });
        if (!idle) {
          // Appended after her turn; a failure then has no request left to answer.
          appended.catch(() => undefined);
          return { status: "queued" as const, delivered: false, session_id: row.id, seq: null };
        }
        return { status: "queued" as const, delivered: true, session_id: row.id, seq: await appended };
      },
    }),
    defineRoute({
      method: "POST",
      path: "/api/sessions/:session_id/cancel-queen",
      operationId: "cancelQueen",
      summary: "Cancel the queen's turn in progress (what she appended so far stays)",
      tags,
      params: SessionParams,
      response: z.strictObject({ cancelled: z.literal(true), session_id: Id }),
      errors: [404, 409],
      handler: async ({ params }) => {
        const row = await requireSession(host, params.session_id);
        if (!queens.cancel(row.id)) {
          throw new ApiError(409, "queen_not_active", `the queen of session ${row.id} has no turn in progress`, {
            session_id: row.id,
          });
        }
        return { cancelled: true as const, session_id: row.id };
      },
    }),
  ];
}
