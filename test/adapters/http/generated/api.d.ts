export interface paths {
  "/healthz": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** Whether the server is up */
    get: operations["healthz"];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  "/api/sessions": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /** Start a queen session: the session and the queen's conversation, in one append */
    post: operations["startSession"];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  "/api/sessions/{session_id}": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** A session: phase, provenance, the colony-spawned lock, its colony and the queen's turn */
    get: operations["getSession"];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  "/api/sessions/{session_id}/chat": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /** Send the person's message to the queen: it starts her turn, or joins the one she is in */
    post: operations["chat"];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  "/api/sessions/{session_id}/queen-context": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /** Give the queen context for her next turn without starting one */
    post: operations["queenContext"];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  "/api/sessions/{session_id}/cancel-queen": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /** Cancel the queen's turn in progress (what she appended so far stays) */
    post: operations["cancelQueen"];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  "/api/sessions/{session_id}/colony-spawn": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /** Fork the queen's conversation into a colony (compacted), with its tasks and triggers; the session is locked */
    post: operations["colonySpawn"];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  "/api/sessions/{session_id}/mark-colony-spawned": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /** Lock the session for a colony spawned from it elsewhere (again for the same colony: no change) */
    post: operations["markColonySpawned"];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  "/api/sessions/{session_id}/compact-and-fork": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /** A new session with the same queen, on a compacted fork of this one's conversation */
    post: operations["compactAndFork"];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  "/api/sessions/{session_id}/goal-progress": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** The colony's progress from its ledger: tasks by status, each task's steps and open SOP items */
    get: operations["goalProgress"];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  "/api/sessions/{session_id}/trigger": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /** Fire an api, manual or timer trigger of the colony: a worker starts on its task with the input */
    post: operations["trigger"];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  "/api/sessions/{session_id}/inject": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /** Leave a message for a running worker: it reads it at its next turn boundary */
    post: operations["inject"];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  "/api/sessions/{session_id}/pause": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /** Pause the colony: its timers stop firing and its running workers are stopped (the queen goes on) */
    post: operations["pause"];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  "/api/sessions/{session_id}/resume": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /** Resume the colony's timers; with a worker, take its work up again from a checkpoint on the model */
    post: operations["resume"];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  "/api/sessions/{session_id}/stop": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /** Stop one running worker of the colony; resolves with its report */
    post: operations["stop"];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  "/api/sessions/{session_id}/replay": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /** Run a worker again from a checkpoint of its conversation, from the record or on the model */
    post: operations["replay"];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  "/api/colonies": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** Every colony, oldest first, with its task and worker counts by status */
    get: operations["listColonies"];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  "/api/colonies/{colony_id}": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** One colony, with its counts and its triggers */
    get: operations["getColony"];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  "/api/colonies/{colony_id}/tasks": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** The colony's progress ledger in claim order: tasks with their steps and SOP items */
    get: operations["listColonyTasks"];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  "/api/colonies/{colony_id}/workers": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** The colony's workers in spawn order */
    get: operations["listColonyWorkers"];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  "/api/workers/{worker_id}": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** One worker: status, task, attempt, timestamps, report */
    get: operations["getWorker"];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  "/api/conversations": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** Every conversation, oldest first, with its owner and the parent and version it was forked from */
    get: operations["listConversations"];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  "/api/conversations/{conversation_id}": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** A conversation's live context, or with history=true every visible part; with version=N as it stood at version N of its own stream */
    get: operations["getConversation"];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  "/api/log": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** The log in order from global position `from` (inclusive, default the start), at most `limit` (default 100) per page; follow next_from until null */
    get: operations["readLog"];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  "/api/streams/{stream_id}": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** One stream's events from version `from` (inclusive, default 0), at most `limit` (default 100) per page */
    get: operations["getStream"];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  "/webhooks/{colony_id}/{trigger_id}": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /** Fires a webhook trigger; needs x-hub-signature-256: sha256=<hex HMAC-SHA256 of the body>, and takes idempotency-key or x-github-delivery for retries */
    post: operations["fireWebhook"];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  "/api/events": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** Every stored event from a position on, then live, as server-sent events (resumable by Last-Event-ID) */
    get: operations["streamEvents"];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  "/api/sessions/{session_id}/events": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** The events of one session, its conversations, workers and colony, as server-sent events */
    get: operations["streamSessionEvents"];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
}
export type webhooks = Record<string, never>;
export interface components {
  schemas: {
    Error: {
      error: {
        code: string;
        message: string;
        details: {
          [key: string]: unknown;
        };
      };
    };
    colonySpawn_body_schema0:
      | string
      | number
      | boolean
      | null
      | components["schemas"]["colonySpawn_body_schema0"][]
      | {
          [key: string]: components["schemas"]["colonySpawn_body_schema0"];
        };
    trigger_body_schema0:
      | string
      | number
      | boolean
      | null
      | components["schemas"]["trigger_body_schema0"][]
      | {
          [key: string]: components["schemas"]["trigger_body_schema0"];
        };
  };
  responses: never;
  parameters: never;
  requestBodies: never;
  headers: never;
  pathItems: never;
}
export type $defs = Record<string, never>;
export interface operations {
  healthz: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description success */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": {
            /** @constant */
            status: "ok";
          };
        };
      };
      /** @description bad input: the message names the field */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
    };
  };
  startSession: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody: {
      content: {
        "application/json": {
          session_id?: string;
          queen_id?: string;
          system_prompt?: string;
          /** @enum {string} */
          initial_phase?: "independent" | "incubating" | "working" | "reviewing";
        };
      };
    };
    responses: {
      /** @description success */
      201: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": {
            session_id: string;
            queen_id: string;
            conversation_id: string;
            colony_id: string | null;
            /** @enum {string} */
            phase: "independent" | "incubating" | "working" | "reviewing";
            provenance: {
              /** @enum {string} */
              kind: "new" | "resumed" | "compacted" | "forked";
              from_session_id: string | null;
            };
            locked: boolean;
            colony_spawned: boolean;
            spawned_colony_id: string | null;
            spawned_colony_name: string | null;
            colony: {
              colony_id: string;
              colony_name: string;
              timers_paused: boolean;
              concurrency_hint: number | null;
            } | null;
            queen: {
              turn_running: boolean;
              pending_messages: number;
              last_turn: {
                /** @enum {string} */
                exit: "reported" | "escalated" | "replied" | "max_iterations" | "aborted" | "failed";
                reply: string;
                error: string | null;
                model_calls: number;
                tool_calls: number;
                finished_at: string;
              } | null;
            };
            started_at: string;
            updated_at: string;
          };
        };
      };
      /** @description bad input: the message names the field */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
      /** @description missing or wrong bearer token, or a webhook signature that does not match */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
      /** @description a conflict: a version, a lock, a full capacity */
      409: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
    };
  };
  getSession: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        session_id: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description success */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": {
            session_id: string;
            queen_id: string;
            conversation_id: string;
            colony_id: string | null;
            /** @enum {string} */
            phase: "independent" | "incubating" | "working" | "reviewing";
            provenance: {
              /** @enum {string} */
              kind: "new" | "resumed" | "compacted" | "forked";
              from_session_id: string | null;
            };
            locked: boolean;
            colony_spawned: boolean;
            spawned_colony_id: string | null;
            spawned_colony_name: string | null;
            colony: {
              colony_id: string;
              colony_name: string;
              timers_paused: boolean;
              concurrency_hint: number | null;
            } | null;
            queen: {
              turn_running: boolean;
              pending_messages: number;
              last_turn: {
                /** @enum {string} */
                exit: "reported" | "escalated" | "replied" | "max_iterations" | "aborted" | "failed";
                reply: string;
                error: string | null;
                model_calls: number;
                tool_calls: number;
                finished_at: string;
              } | null;
            };
            started_at: string;
            updated_at: string;
          };
        };
      };
      /** @description bad input: the message names the field */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
      /** @description missing or wrong bearer token, or a webhook signature that does not match */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
      /** @description unknown id */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
    };
  };
  chat: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        session_id: string;
      };
      cookie?: never;
    };
    requestBody: {
      content: {
        "application/json": {
          message: string;
          display_message?: string;
          images?: unknown[];
        };
      };
    };
    responses: {
      /** @description success */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": {
            /** @constant */
            status: "queen";
            /** @constant */
            delivered: true;
            session_id: string;
            conversation_id: string;
            /** @enum {string} */
            turn: "started" | "running";
            display_message: string;
          };
        };
      };
      /** @description bad input: the message names the field */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
      /** @description missing or wrong bearer token, or a webhook signature that does not match */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
      /** @description unknown id */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
      /** @description a conflict: a version, a lock, a full capacity */
      409: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
      /** @description a rule broken, such as an open SOP item */
      422: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
    };
  };
  queenContext: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        session_id: string;
      };
      cookie?: never;
    };
    requestBody: {
      content: {
        "application/json": {
          message: string;
        };
      };
    };
    responses: {
      /** @description success */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": {
            /** @constant */
            status: "queued";
            delivered: boolean;
            session_id: string;
            seq: number | null;
          };
        };
      };
      /** @description bad input: the message names the field */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
      /** @description missing or wrong bearer token, or a webhook signature that does not match */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
      /** @description unknown id */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
      /** @description a conflict: a version, a lock, a full capacity */
      409: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
    };
  };
  cancelQueen: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        session_id: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description success */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": {
            /** @constant */
            cancelled: true;
            session_id: string;
          };
        };
      };
      /** @description bad input: the message names the field */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
      /** @description missing or wrong bearer token, or a webhook signature that does not match */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
      /** @description unknown id */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
      /** @description a conflict: a version, a lock, a full capacity */
      409: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
    };
  };
  colonySpawn: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        session_id: string;
      };
      cookie?: never;
    };
    requestBody: {
      content: {
        "application/json": {
          colony_name: string;
          task?: string;
          tasks?: {
            id?: string;
            goal: string;
            seq?: number;
            priority?: number;
            payload?: components["schemas"]["colonySpawn_body_schema0"] | null;
            max_retries?: number;
            parent_task_id?: string | null;
            steps?: {
              seq?: number;
              title: string;
              detail?: string | null;
            }[];
            sop_items?: {
              key: string;
              description: string;
              required?: boolean;
              note?: string | null;
            }[];
          }[];
          concurrency_hint?: number;
          triggers?: (
            | {
                trigger_id: string;
                max_concurrent?: number;
                max_resurrections?: number;
                task?: string;
                /** @constant */
                trigger_type: "timer";
                trigger_config: {
                  interval_minutes?: number;
                  interval_seconds?: number;
                  run_immediately?: boolean;
                };
              }
            | {
                trigger_id: string;
                max_concurrent?: number;
                max_resurrections?: number;
                task?: string;
                /** @constant */
                trigger_type: "webhook";
                trigger_config: {
                  route: string;
                  secret_ref: string;
                };
              }
            | {
                trigger_id: string;
                max_concurrent?: number;
                max_resurrections?: number;
                task?: string;
                /** @constant */
                trigger_type: "api";
                trigger_config?: Record<string, never>;
              }
            | {
                trigger_id: string;
                max_concurrent?: number;
                max_resurrections?: number;
                task?: string;
                /** @constant */
                trigger_type: "manual";
                trigger_config?: Record<string, never>;
              }
          )[];
          keep_last?: number;
        };
      };
    };
    responses: {
      /** @description success */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": {
            colony_id: string;
            colony_name: string;
            is_new: boolean;
            queen_session_id: string;
            source_session_id: string;
            conversation_id: string;
            task_ids: string[];
            /** @enum {string} */
            compaction_status: "compacted" | "skipped";
          };
        };
      };
      /** @description bad input: the message names the field */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
      /** @description missing or wrong bearer token, or a webhook signature that does not match */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
      /** @description unknown id */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
      /** @description a conflict: a version, a lock, a full capacity */
      409: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
      /** @description a rule broken, such as an open SOP item */
      422: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
    };
  };
  markColonySpawned: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        session_id: string;
      };
      cookie?: never;
    };
    requestBody: {
      content: {
        "application/json": {
          colony_name: string;
        };
      };
    };
    responses: {
      /** @description success */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": {
            session_id: string;
            /** @constant */
            colony_spawned: true;
            spawned_colony_name: string;
            colony_id: string;
          };
        };
      };
      /** @description bad input: the message names the field */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
      /** @description missing or wrong bearer token, or a webhook signature that does not match */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
      /** @description unknown id */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
      /** @description a conflict: a version, a lock, a full capacity */
      409: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
    };
  };
  compactAndFork: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        session_id: string;
      };
      cookie?: never;
    };
    requestBody: {
      content: {
        "application/json": {
          keep_last?: number;
        };
      };
    };
    responses: {
      /** @description success */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": {
            new_session_id: string;
            queen_id: string;
            compacted_from: string;
            conversation_id: string;
            summary_chars: number;
            messages_compacted: number;
            /** @enum {string} */
            method: "llm" | "extractive";
            fallback_reason: string | null;
          };
        };
      };
      /** @description bad input: the message names the field */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
      /** @description missing or wrong bearer token, or a webhook signature that does not match */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
      /** @description unknown id */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
      /** @description a rule broken, such as an open SOP item */
      422: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
    };
  };
  goalProgress: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        session_id: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description success */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": {
            session_id: string;
            colony_id: string;
            colony_name: string | null;
            total: number;
            counts: {
              pending: number;
              claimed: number;
              in_progress: number;
              done: number;
              failed: number;
            };
            progress: number;
            finished: boolean;
            tasks: {
              task_id: string;
              seq: number | null;
              goal: string;
              /** @enum {string} */
              status: "pending" | "claimed" | "in_progress" | "done" | "failed";
              worker_id: string | null;
              retry_count: number;
              last_error: string | null;
              steps: {
                total: number;
                done: number;
              };
              sop: {
                total: number;
                done: number;
                open_required: string[];
              };
            }[];
          };
        };
      };
      /** @description bad input: the message names the field */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
      /** @description missing or wrong bearer token, or a webhook signature that does not match */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
      /** @description unknown id */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
      /** @description a conflict: a version, a lock, a full capacity */
      409: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
    };
  };
  trigger: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        session_id: string;
      };
      cookie?: never;
    };
    requestBody: {
      content: {
        "application/json": {
          entry_point_id?: string;
          trigger_id?: string;
          input_data?: {
            [key: string]: components["schemas"]["trigger_body_schema0"];
          };
          idempotency_key?: string;
        };
      };
    };
    responses: {
      /** @description success */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": {
            execution_id: string;
            worker_id: string;
            firing_id: string | null;
            trigger_id: string;
            /** @enum {string} */
            outcome: "spawned" | "replayed" | "recovered";
          };
        };
      };
      /** @description bad input: the message names the field */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
      /** @description missing or wrong bearer token, or a webhook signature that does not match */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
      /** @description unknown id */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
      /** @description a conflict: a version, a lock, a full capacity */
      409: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
      /** @description a rule broken, such as an open SOP item */
      422: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
    };
  };
  inject: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        session_id: string;
      };
      cookie?: never;
    };
    requestBody: {
      content: {
        "application/json": {
          worker_id?: string;
          node_id?: string;
          content: string;
        };
      };
    };
    responses: {
      /** @description success */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": {
            /** @constant */
            delivered: true;
            worker_id: string;
          };
        };
      };
      /** @description bad input: the message names the field */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
      /** @description missing or wrong bearer token, or a webhook signature that does not match */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
      /** @description unknown id */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
      /** @description a conflict: a version, a lock, a full capacity */
      409: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
    };
  };
  pause: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        session_id: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description success */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": {
            /** @constant */
            stopped: true;
            cancelled: string[];
            cancelling: string[];
            /** @constant */
            timers_paused: true;
          };
        };
      };
      /** @description bad input: the message names the field */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
      /** @description missing or wrong bearer token, or a webhook signature that does not match */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
      /** @description unknown id */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
      /** @description a conflict: a version, a lock, a full capacity */
      409: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
    };
  };
  resume: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        session_id: string;
      };
      cookie?: never;
    };
    requestBody: {
      content: {
        "application/json": {
          worker_id?: string;
          session_id?: string;
          checkpoint_id?: number | string;
        };
      };
    };
    responses: {
      /** @description success */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": {
            /** @constant */
            timers_resumed: true;
            execution_id: string | null;
            worker_id: string | null;
            resumed_from: string | null;
            checkpoint_id: number | null;
          };
        };
      };
      /** @description bad input: the message names the field */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
      /** @description missing or wrong bearer token, or a webhook signature that does not match */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
      /** @description unknown id */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
      /** @description a conflict: a version, a lock, a full capacity */
      409: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
    };
  };
  stop: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        session_id: string;
      };
      cookie?: never;
    };
    requestBody: {
      content: {
        "application/json": {
          worker_id?: string;
          execution_id?: string;
        };
      };
    };
    responses: {
      /** @description success */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": {
            stopped: boolean;
            /** @constant */
            cancelling: false;
            execution_id: string;
            worker_id: string;
            status: string;
            summary: string;
          };
        };
      };
      /** @description bad input: the message names the field */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
      /** @description missing or wrong bearer token, or a webhook signature that does not match */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
      /** @description unknown id */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
      /** @description a conflict: a version, a lock, a full capacity */
      409: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
    };
  };
  replay: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        session_id: string;
      };
      cookie?: never;
    };
    requestBody: {
      content: {
        "application/json": {
          worker_id?: string;
          session_id?: string;
          checkpoint_id?: number | string;
          /**
           * @default recorded
           * @enum {string}
           */
          mode?: "recorded" | "live";
        };
      };
    };
    responses: {
      /** @description success */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": {
            execution_id: string;
            worker_id: string;
            replayed_from: string;
            checkpoint_id: number;
            /** @enum {string} */
            mode: "recorded" | "live";
            conversation_id: string;
            reproduced: boolean;
            divergences: {
              call: number;
              /** @enum {string} */
              kind: "model" | "tool";
              recorded: unknown;
              now: unknown;
              message: string;
            }[];
            report: {
              status: string | null;
              summary: string | null;
              error: string | null;
            };
            original: {
              status: string | null;
              summary: string | null;
            };
          };
        };
      };
      /** @description bad input: the message names the field */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
      /** @description missing or wrong bearer token, or a webhook signature that does not match */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
      /** @description unknown id */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
      /** @description a conflict: a version, a lock, a full capacity */
      409: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
    };
  };
  listColonies: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description success */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": {
            colonies: {
              id: string;
              name: string;
              source_session_id: string | null;
              worker_profile: {
                system_prompt: string;
                tool_names: string[];
                loop_config: {
                  max_iterations?: number;
                  max_context_tokens?: number;
                  compaction_buffer_tokens?: number;
                  compaction_ratio?: number;
                  timeout_seconds?: number;
                };
                input_data: {
                  [key: string]: unknown;
                };
              };
              concurrency_hint: number | null;
              timers_paused: boolean;
              created_at: string;
              updated_at: string;
              task_counts: {
                pending: number;
                claimed: number;
                in_progress: number;
                done: number;
                failed: number;
              };
              worker_counts: {
                spawned: number;
                queued: number;
                running: number;
                reported: number;
                stopped: number;
                failed: number;
              };
            }[];
          };
        };
      };
      /** @description bad input: the message names the field */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
      /** @description missing or wrong bearer token, or a webhook signature that does not match */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
    };
  };
  getColony: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        colony_id: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description success */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": {
            id: string;
            name: string;
            source_session_id: string | null;
            worker_profile: {
              system_prompt: string;
              tool_names: string[];
              loop_config: {
                max_iterations?: number;
                max_context_tokens?: number;
                compaction_buffer_tokens?: number;
                compaction_ratio?: number;
                timeout_seconds?: number;
              };
              input_data: {
                [key: string]: unknown;
              };
            };
            concurrency_hint: number | null;
            timers_paused: boolean;
            created_at: string;
            updated_at: string;
            task_counts: {
              pending: number;
              claimed: number;
              in_progress: number;
              done: number;
              failed: number;
            };
            worker_counts: {
              spawned: number;
              queued: number;
              running: number;
              reported: number;
              stopped: number;
              failed: number;
            };
            triggers: {
              id: string;
              /** @enum {string} */
              kind: "timer" | "webhook" | "api" | "manual";
              config:
                | {
                    /** @constant */
                    kind: "timer";
                    interval_seconds: number;
                    run_immediately: boolean;
                  }
                | {
                    /** @constant */
                    kind: "webhook";
                    route: string;
                    secret_ref: string;
                  }
                | {
                    /** @constant */
                    kind: "api";
                  }
                | {
                    /** @constant */
                    kind: "manual";
                  };
              max_concurrent: number;
              max_resurrections: number;
              task: string;
              removed_at: string | null;
              fire_count: number;
              last_fired_at: string | null;
            }[];
          };
        };
      };
      /** @description bad input: the message names the field */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
      /** @description missing or wrong bearer token, or a webhook signature that does not match */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
      /** @description unknown id */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
    };
  };
  listColonyTasks: {
    parameters: {
      query?: {
        status?: "pending" | "claimed" | "in_progress" | "done" | "failed";
      };
      header?: never;
      path: {
        colony_id: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description success */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": {
            colony_id: string;
            tasks: {
              id: string;
              seq: number | null;
              priority: number;
              goal: string;
              payload: string | null;
              /** @enum {string} */
              status: "pending" | "claimed" | "in_progress" | "done" | "failed";
              worker_id: string | null;
              claimed_at: string | null;
              started_at: string | null;
              completed_at: string | null;
              created_at: string;
              updated_at: string;
              retry_count: number;
              max_retries: number;
              last_error: string | null;
              parent_task_id: string | null;
              source: string | null;
              colony_id: string;
              steps: {
                id: string;
                task_id: string;
                seq: number;
                title: string;
                detail: string | null;
                /** @enum {string} */
                status: "pending" | "in_progress" | "done";
                evidence: string | null;
                worker_id: string | null;
                started_at: string | null;
                completed_at: string | null;
              }[];
              sop_items: {
                id: string;
                task_id: string;
                key: string;
                description: string;
                required: boolean;
                done_at: string | null;
                done_by: string | null;
                note: string | null;
              }[];
            }[];
          };
        };
      };
      /** @description bad input: the message names the field */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
      /** @description missing or wrong bearer token, or a webhook signature that does not match */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
      /** @description unknown id */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
    };
  };
  listColonyWorkers: {
    parameters: {
      query?: {
        status?: "spawned" | "queued" | "running" | "reported" | "stopped" | "failed";
      };
      header?: never;
      path: {
        colony_id: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description success */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": {
            colony_id: string;
            workers: {
              id: string;
              colony_id: string;
              parent_session_id: string | null;
              conversation_id: string;
              task: string;
              /** @enum {string} */
              status: "spawned" | "queued" | "running" | "reported" | "stopped" | "failed";
              persistent: boolean;
              batch_id: string | null;
              batch_index: number | null;
              attempt: number;
              spawned_at: string;
              started_at: string | null;
              finished_at: string | null;
              last_activity_at: string;
              last_error: string | null;
              report_status: string | null;
              report_summary: string | null;
              report_data: unknown;
              report_error: string | null;
              duration_ms: number | null;
              input_tokens: number | null;
              output_tokens: number | null;
            }[];
          };
        };
      };
      /** @description bad input: the message names the field */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
      /** @description missing or wrong bearer token, or a webhook signature that does not match */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
      /** @description unknown id */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
    };
  };
  getWorker: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        worker_id: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description success */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": {
            id: string;
            colony_id: string;
            parent_session_id: string | null;
            conversation_id: string;
            task: string;
            /** @enum {string} */
            status: "spawned" | "queued" | "running" | "reported" | "stopped" | "failed";
            persistent: boolean;
            batch_id: string | null;
            batch_index: number | null;
            attempt: number;
            spawned_at: string;
            started_at: string | null;
            finished_at: string | null;
            last_activity_at: string;
            last_error: string | null;
            report_status: string | null;
            report_summary: string | null;
            report_data: unknown;
            report_error: string | null;
            duration_ms: number | null;
            input_tokens: number | null;
            output_tokens: number | null;
          };
        };
      };
      /** @description bad input: the message names the field */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
      /** @description missing or wrong bearer token, or a webhook signature that does not match */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
      /** @description unknown id */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
    };
  };
  listConversations: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description success */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": {
            conversations: {
              conversation_id: string;
              owner: {
                kind: string;
                id: string;
              };
              parent_id: string | null;
              parent_version: number | null;
              fork_reason: string | null;
              root_id: string;
              depth: number;
              started_at: string;
              updated_at: string;
              last_version: number;
              part_count: number;
              compacted_through_seq: number | null;
            }[];
          };
        };
      };
      /** @description bad input: the message names the field */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
      /** @description missing or wrong bearer token, or a webhook signature that does not match */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
    };
  };
  getConversation: {
    parameters: {
      query?: {
        version?: number;
        history?: "true" | "false";
      };
      header?: never;
      path: {
        conversation_id: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description success */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": {
            conversation_id: string;
            owner: {
              kind: string;
              id: string;
            };
            parent_id: string | null;
            parent_version: number | null;
            root_id: string;
            depth: number;
            started_at: string;
            version: number;
            last_version: number;
            /** @enum {string} */
            view: "live" | "history";
            system_prompt: string | null;
            ancestry: {
              conversation_id: string;
              up_to_version: number | null;
              depth: number;
            }[];
            compaction: {
              conversation_id: string;
              version: number;
              through_seq: number;
              summary: string;
              /** @enum {string} */
              method: "llm" | "extractive";
            } | null;
            compactions: {
              conversation_id: string;
              version: number;
              through_seq: number;
              summary: string;
              /** @enum {string} */
              method: "llm" | "extractive";
            }[];
            parts: {
              conversation_id: string;
              version: number;
              seq: number;
              /** @enum {string} */
              role: "user" | "assistant" | "tool" | "system";
              content: string;
              tool_calls:
                | {
                    id: string;
                    name: string;
                    arguments: unknown;
                  }[]
                | null;
              tool_call_id: string | null;
              flags: {
                client_input?: boolean;
                trigger?: boolean;
                inherited?: boolean;
              } | null;
              model: string | null;
              usage: {
                input_tokens: number;
                output_tokens: number;
              } | null;
              latency_ms: number | null;
              inherited: boolean;
              summary: boolean;
              compacted: boolean;
            }[];
            checkpoints: {
              label: string;
              marked_version: number;
              version: number;
              position: number;
            }[];
          };
        };
      };
      /** @description bad input: the message names the field */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
      /** @description missing or wrong bearer token, or a webhook signature that does not match */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
      /** @description unknown id */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
    };
  };
  readLog: {
    parameters: {
      query?: {
        from?: number;
        limit?: number;
      };
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description success */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": {
            events: {
              position: number;
              stream_id: string;
              version: number;
              type: string;
              data: unknown;
              metadata: {
                event_id: string;
                correlation_id: string | null;
                causation_id: string | null;
                actor: string | null;
                recorded_at: string;
                schema_version: number;
              };
            }[];
            next_from: number | null;
            head_position: number;
          };
        };
      };
      /** @description bad input: the message names the field */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
      /** @description missing or wrong bearer token, or a webhook signature that does not match */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
    };
  };
  getStream: {
    parameters: {
      query?: {
        from?: number;
        limit?: number;
      };
      header?: never;
      path: {
        stream_id: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description success */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": {
            stream_id: string;
            last_version: number;
            events: {
              position: number;
              stream_id: string;
              version: number;
              type: string;
              data: unknown;
              metadata: {
                event_id: string;
                correlation_id: string | null;
                causation_id: string | null;
                actor: string | null;
                recorded_at: string;
                schema_version: number;
              };
            }[];
            next_from: number | null;
          };
        };
      };
      /** @description bad input: the message names the field */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
      /** @description missing or wrong bearer token, or a webhook signature that does not match */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
      /** @description unknown id */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
    };
  };
  fireWebhook: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        colony_id: string;
        trigger_id: string;
      };
      cookie?: never;
    };
    requestBody: {
      content: {
        "application/json": unknown;
      };
    };
    responses: {
      /** @description success */
      202: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": {
            worker_id: string;
            firing_id: string | null;
            /** @enum {string} */
            outcome: "spawned" | "replayed" | "recovered";
          };
        };
      };
      /** @description bad input: the message names the field */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
      /** @description missing or wrong bearer token, or a webhook signature that does not match */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
      /** @description unknown id */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
      /** @description a conflict: a version, a lock, a full capacity */
      409: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
      /** @description error */
      503: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
    };
  };
  streamEvents: {
    parameters: {
      query?: {
        types?: string;
        streams?: string;
        categories?: string;
        from?: string;
      };
      header?: {
        /** @description the id (a global position) of the last event received: the stream resumes after it */
        "Last-Event-ID"?: string;
      };
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description server-sent events: `id:` the global position, `event:` the type, `data:` the event as JSON */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "text/event-stream": string;
        };
      };
      /** @description bad input: the message names the field */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
      /** @description missing or wrong bearer token, or a webhook signature that does not match */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
    };
  };
  streamSessionEvents: {
    parameters: {
      query?: {
        types?: string;
        streams?: string;
        categories?: string;
        from?: string;
      };
      header?: {
        /** @description the id (a global position) of the last event received: the stream resumes after it */
        "Last-Event-ID"?: string;
      };
      path: {
        session_id: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description server-sent events: `id:` the global position, `event:` the type, `data:` the event as JSON */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "text/event-stream": string;
        };
      };
      /** @description bad input: the message names the field */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
      /** @description missing or wrong bearer token, or a webhook signature that does not match */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
      /** @description unknown id */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
    };
  };
}
