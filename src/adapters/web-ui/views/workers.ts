import type { ColonyBody } from "../../http/reads/colony-reads.js";
import type { WorkerBody } from "../../http/reads/worker-reads.js";
import type { Api } from "../api.js";
import { clock, debounce, fill, h, link, shortId } from "../dom.js";
import type { LiveLog } from "../live-log.js";
import { conversationRoute } from "../router.js";
import type { View } from "./view.js";

function workerCard(worker: WorkerBody): HTMLElement {
  const tokens =
    worker.input_tokens !== null ? `${worker.input_tokens} in / ${worker.output_tokens ?? 0} out tokens` : null;
  return h(
    "article",
    { class: `worker-card status-${worker.status}`, data: { worker: worker.id, status: worker.status } },
    h(
      "header",
      {},
      h("span", { class: `status ${worker.status}`, data: { testid: "worker-status" } }, worker.status),
      h("code", { class: "worker-id", title: worker.id }, worker.id),
      worker.persistent ? h("span", { class: "badge" }, "overseer") : null,
    ),
    h("div", { class: "task-text" }, worker.task),
    h(
      "dl",
      {},
      h("dt", {}, "attempt"),
      h("dd", {}, worker.attempt),
      h("dt", {}, "last activity"),
      h("dd", {}, clock(worker.last_activity_at)),
      worker.report_status ? h("dt", {}, "report") : null,
      worker.report_status ? h("dd", {}, `${worker.report_status}: ${worker.report_summary ?? ""}`) : null,
      worker.last_error ? h("dt", {}, "error") : null,
      worker.last_error ? h("dd", { class: "error" }, worker.last_error) : null,
      tokens ? h("dt", {}, "usage") : null,
      tokens ? h("dd", {}, tokens, worker.duration_ms !== null ? ` · ${worker.duration_ms} ms` : "") : null,
    ),
    h(
      "div",
      { class: "links" },
      link(conversationRoute(worker.conversation_id), "open conversation ", {
        class: "conversation-link",
        data: { conversation: worker.conversation_id },
      }),
      shortId(worker.conversation_id),
    ),
  );
}

/**
 * Every colony's workers with their status. A worker event in the log re-reads that worker
 * (`GET /api/workers/:id`) and redraws its card; a worker not on the page yet re-reads the lists.
 */
export class WorkersView implements View {
  readonly element: HTMLElement;
  private readonly lists = h("div", { class: "worker-lists", data: { testid: "workers" } });
  private readonly reloadAll = debounce(() => void this.load(), 250);

  constructor(
    private readonly api: Api,
    live: LiveLog,
  ) {
    this.element = h("section", { class: "view workers", data: { view: "workers" } }, this.lists);
    live.on((event) => {
      if (event.streamId.startsWith("worker-")) void this.refresh(event.streamId.slice("worker-".length));
    });
  }

  show(): void {
    void this.load();
  }

  private async refresh(workerId: string): Promise<void> {
    const shown = this.lists.querySelector(`[data-worker="${CSS.escape(workerId)}"]`);
    if (!shown) return this.reloadAll();
    const worker = await this.api.worker(workerId);
    shown.replaceWith(workerCard(worker));
  }

  private async load(): Promise<void> {
    const colonies = await this.api.colonies();
    const workers = await Promise.all(colonies.map((c) => this.api.workers(c.id)));
    fill(
      this.lists,
      ...(colonies.length === 0 ? [h("p", { class: "empty" }, "No colony in the log yet.")] : []),
      ...colonies.map((colony: ColonyBody, i) =>
        h(
          "div",
          { class: "colony-workers", data: { colony: colony.id } },
          h("h2", {}, `colony ${colony.name}`, h("span", { class: "count" }, ` ${workers[i]?.length ?? 0} workers`)),
          h("div", { class: "worker-grid" }, ...(workers[i] ?? []).map(workerCard)),
        ),
      ),
    );
    this.element.dataset.loaded = "true";
  }
}
