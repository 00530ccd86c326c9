import type { ColonyBody } from "../http/reads/colony-reads.js";
import type { ConversationBody } from "../http/reads/conversation-at.js";
import type { ConversationSummaryBody } from "../http/reads/conversation-list.js";
import type { TaskBody } from "../http/reads/ledger-reads.js";
import type { EventsPage } from "../http/reads/log-reads.js";
import type { WorkerBody } from "../http/reads/worker-reads.js";

/** An answer of the API that is not a success, with the API's one error shape. */
export class ApiFailure extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** Asks the person for the API's token (the page has none, or the one it had was refused). */
export type TokenPrompt = (refused: boolean) => Promise<string>;

const TOKEN_KEY = "colonylog.token";

/**
 * The command API as the page calls it: same origin, JSON, and the bearer token when the server
 * wants one. The token is asked for on the first 401, kept for the tab's session only, and sent
 * as a header, never in a URL.
 */
export class Api {
  private token: string | null = sessionStorage.getItem(TOKEN_KEY);
  private asking: Promise<string> | undefined;

  constructor(private readonly prompt: TokenPrompt) {}

  /** Headers for a request, with the token when there is one. */
  headers(extra: Record<string, string> = {}): Record<string, string> {
    return this.token ? { ...extra, authorization: `Bearer ${this.token}` } : extra;
  }

  /** After a 401: asks once for a token (callers waiting at the same time share the answer). */
  async renewToken(): Promise<void> {
    this.asking ??= this.prompt(this.token !== null).finally(() => {
      this.asking = undefined;
    });
    this.token = await this.asking;
    sessionStorage.setItem(TOKEN_KEY, this.token);
  }

  /** A request, asking for the token and trying again for as long as the server answers 401. */
  async send(path: string, init: RequestInit = {}, extraHeaders: Record<string, string> = {}): Promise<Response> {
    for (;;) {
      const response = await fetch(path, { ...init, headers: this.headers(extraHeaders) });
      if (response.status !== 401) return response;
      await this.renewToken();
    }
  }

  private async json<T>(path: string, init: RequestInit = {}): Promise<T> {
    const response = await this.send(path, init, init.body ? { "content-type": "application/json" } : {});
    const body = (await response.json().catch(() => null)) as { error?: { code: string; message: string } } | null;
    if (!response.ok) {
      throw new ApiFailure(
        response.status,
        body?.error?.code ?? "http_error",
        body?.error?.message ?? `${path} answered ${response.status}`,
      );
    }
    return body as T;
  }

  head(): Promise<number> {
    return this.json<EventsPage>("/api/log?limit=1").then((page) => page.head_position);
  }

  colonies(): Promise<ColonyBody[]> {
    return this.json<{ colonies: ColonyBody[] }>("/api/colonies").then((r) => r.colonies);
  }

  tasks(colonyId: string): Promise<TaskBody[]> {
    return this.json<{ tasks: TaskBody[] }>(`/api/colonies/${encodeURIComponent(colonyId)}/tasks`).then((r) => r.tasks);
  }

  workers(colonyId: string): Promise<WorkerBody[]> {
    return this.json<{ workers: WorkerBody[] }>(`/api/colonies/${encodeURIComponent(colonyId)}/workers`).then(
      (r) => r.workers,
    );
  }

  worker(workerId: string): Promise<WorkerBody> {
    return this.json<WorkerBody>(`/api/workers/${encodeURIComponent(workerId)}`);
  }

  conversations(): Promise<ConversationSummaryBody[]> {
    return this.json<{ conversations: ConversationSummaryBody[] }>("/api/conversations").then((r) => r.conversations);
  }

  /** Every visible part (history view: compacted ones marked), as the conversation stood at `version`. */
  conversation(conversationId: string, version?: number): Promise<ConversationBody> {
    const query = new URLSearchParams({ history: "true" });
    if (version !== undefined) query.set("version", String(version));
    return this.json<ConversationBody>(`/api/conversations/${encodeURIComponent(conversationId)}?${query}`);
  }
}
