import { z } from "zod";
import type { ColonyHost } from "../colony-host.js";
import { ColonyBody, ColonyDetail, colonies, colony } from "../reads/colony-reads.js";
import { ConversationBody, conversationAt } from "../reads/conversation-at.js";
import { ConversationSummaryBody, conversationList } from "../reads/conversation-list.js";
import { colonyTasks, TASK_STATUSES, TaskBody } from "../reads/ledger-reads.js";
import { EventsPage, eventsPage, StreamPage, streamPage } from "../reads/log-reads.js";
import { IdParam, queryBool, queryInt, StreamIdParam } from "../reads/params.js";
import { colonyWorkers, WORKER_STATUSES, WorkerBody, worker } from "../reads/worker-reads.js";
import { type AnyRoute, defineRoute } from "../route.js";

const PAGE_LIMIT = { default: 100, max: 1000 };

const ColonyParams = z.strictObject({ colony_id: IdParam });
const pageQuery = z.strictObject({
  from: queryInt(0).optional(),
  limit: queryInt(1, PAGE_LIMIT.max).optional(),
});

/**
 * The read routes (DESIGN §8): colonies, a colony's ledger and workers, a worker, every
 * conversation (the fork tree), a conversation at a version, the log by global position and one
 * stream by version. Every answer comes from the read models (folded inline, so a command's
 * effect reads back at once) or from the log itself; nothing here appends. Unknown ids answer 404 with a `*_not_found` / `unknown_*` code.
 */
export function readRoutes(host: ColonyHost): AnyRoute[] {
  const db = host.db.readModels;
  const store = host.db.events;
  return [
    defineRoute({
      method: "GET",
      path: "/api/colonies",
      operationId: "listColonies",
      summary: "Every colony, oldest first, with its task and worker counts by status",
      tags: ["reads"],
      response: z.strictObject({ colonies: z.array(ColonyBody) }),
      handler: async () => ({ colonies: await colonies(db) }),
    }),
    defineRoute({
      method: "GET",
      path: "/api/colonies/:colony_id",
      operationId: "getColony",
      summary: "One colony, with its counts and its triggers",
      tags: ["reads"],
      params: ColonyParams,
      response: ColonyDetail,
      errors: [404],
      handler: async ({ params }) => colony(db, params.colony_id),
    }),
    defineRoute({
      method: "GET",
      path: "/api/colonies/:colony_id/tasks",
      operationId: "listColonyTasks",
      summary: "The colony's progress ledger in claim order: tasks with their steps and SOP items",
      tags: ["reads"],
      params: ColonyParams,
      query: z.strictObject({ status: z.enum(TASK_STATUSES).optional() }),
      response: z.strictObject({ colony_id: z.string(), tasks: z.array(TaskBody) }),
      errors: [404],
      handler: async ({ params, query }) => ({
        colony_id: params.colony_id,
        tasks: await colonyTasks(db, params.colony_id, query.status),
      }),
    }),
    defineRoute({
      method: "GET",
      path: "/api/colonies/:colony_id/workers",
      operationId: "listColonyWorkers",
      summary: "The colony's workers in spawn order",
      tags: ["reads"],
      params: ColonyParams,
      query: z.strictObject({ status: z.enum(WORKER_STATUSES).optional() }),
      response: z.strictObject({ colony_id: z.string(), workers: z.array(WorkerBody) }),
      errors: [404],
      handler: async ({ params, query }) => ({
        colony_id: params.colony_id,
        workers: await colonyWorkers(db, params.colony_id, query.status),
      }),
    }),
    defineRoute({
      method: "GET",
      path: "/api/workers/:worker_id",
      operationId: "getWorker",
      summary: "One worker: status, task, attempt, timestamps, report",
      tags: ["reads"],
      params: z.strictObject({ worker_id: IdParam }),
      response: WorkerBody,
      errors: [404],
      handler: async ({ params }) => worker(db, params.worker_id),
    }),
    defineRoute({
      method: "GET",
      path: "/api/conversations",
      operationId: "listConversations",
      summary: "Every conversation, oldest first, with its owner and the parent and version it was forked from",
      tags: ["reads"],
      response: z.strictObject({ conversations: z.array(ConversationSummaryBody) }),
      handler: async () => ({ conversations: await conversationList(db) }),
    }),
    defineRoute({
      method: "GET",
      path: "/api/conversations/:conversation_id",
      operationId: "getConversation",
      summary:
        "A conversation's live context, or with history=true every visible part; with version=N as it stood at version N of its own stream",
      tags: ["reads"],
      params: z.strictObject({ conversation_id: IdParam }),
      query: z.strictObject({ version: queryInt(0).optional(), history: queryBool }),
      response: ConversationBody,
      errors: [404],
      handler: async ({ params, query }) =>
        conversationAt(db, params.conversation_id, {
          ...(query.version !== undefined ? { version: query.version } : {}),
          history: query.history ?? false,
        }),
    }),
    defineRoute({
      method: "GET",
      path: "/api/log",
      operationId: "readLog",
      summary: `The log in order from global position \`from\` (inclusive, default the start), at most \`limit\` (default ${PAGE_LIMIT.default}) per page; follow next_from until null`,
      tags: ["reads"],
      query: pageQuery,
      response: EventsPage,
      handler: async ({ query }) => eventsPage(store, query.from ?? 0, query.limit ?? PAGE_LIMIT.default),
    }),
    defineRoute({
      method: "GET",
      path: "/api/streams/:stream_id",
      operationId: "getStream",
      summary: `One stream's events from version \`from\` (inclusive, default 0), at most \`limit\` (default ${PAGE_LIMIT.default}) per page`,
      tags: ["reads"],
      params: z.strictObject({ stream_id: StreamIdParam }),
      query: pageQuery,
      response: StreamPage,
      errors: [404],
      handler: async ({ params, query }) =>
        streamPage(store, params.stream_id, query.from ?? 0, query.limit ?? PAGE_LIMIT.default),
    }),
  ];
}
