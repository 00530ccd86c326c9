import type { ColonyBody } from "../../http/reads/colony-reads.js";
import type { TaskBody } from "../../http/reads/ledger-reads.js";
import type { Api } from "../api.js";
import { debounce, fill, h, shortId } from "../dom.js";
import type { LiveLog } from "../live-log.js";
import type { View } from "./view.js";

/** The board's columns and the ledger statuses each holds (a task being worked on is still claimed). */
const COLUMNS: readonly { readonly name: string; readonly statuses: readonly TaskBody["status"][] }[] = [
  { name: "pending", statuses: ["pending"] },
  { name: "claimed", statuses: ["claimed", "in_progress"] },
  { name: "done", statuses: ["done"] },
  { name: "failed", statuses: ["failed"] },
];

const STEP_MARK: Record<TaskBody["steps"][number]["status"], string> = { pending: "○", in_progress: "▶", done: "✓" };

function card(task: TaskBody): HTMLElement {
  return h(
    "article",
    { class: `task-card status-${task.status}`, data: { task: task.id, status: task.status } },
    h(
      "header",
      {},
      h("span", { class: "seq" }, task.seq === null ? "" : `#${task.seq}`),
      h("span", { class: "goal" }, task.goal),
    ),
    h(
      "div",
      { class: "task-meta" },
      `priority ${task.priority}`,
      task.worker_id ? h("span", {}, " · worker ", shortId(task.worker_id)) : null,
      task.retry_count > 0 ? ` · retried ${task.retry_count}/${task.max_retries}` : null,
    ),
    task.last_error ? h("div", { class: "error" }, task.last_error) : null,
    task.steps.length > 0
      ? h(
          "ol",
          { class: "steps" },
          ...task.steps.map((step) =>
            h(
              "li",
              {
                class: `step ${step.status}`,
                data: { status: step.status },
                title: step.evidence ?? step.detail ?? "",
              },
              `${STEP_MARK[step.status]} ${step.title}`,
            ),
          ),
        )
      : null,
    task.sop_items.length > 0
      ? h(
          "ul",
          { class: "sop" },
          ...task.sop_items.map((item) =>
            h(
              "li",
              {
                class: `sop-item ${item.done_at ? "checked" : "open"}`,
                data: { checked: String(item.done_at !== null) },
                title: item.note ?? "",
              },
              `${item.done_at ? "☑" : "☐"} ${item.key}: ${item.description}${item.required ? " (required)" : ""}`,
            ),
          ),
        )
      : null,
  );
}

function board(colony: ColonyBody, tasks: readonly TaskBody[]): HTMLElement {
  return h(
    "div",
    { class: "colony-board", data: { colony: colony.id } },
    h("h2", {}, `colony ${colony.name}`, h("span", { class: "count" }, ` ${tasks.length} tasks`)),
    h(
      "div",
      { class: "columns" },
      ...COLUMNS.map((column) => {
        const held = tasks.filter((t) => column.statuses.includes(t.status));
        return h(
          "div",
          { class: `column col-${column.name}`, data: { column: column.name, count: held.length } },
          h("h3", {}, column.name, h("span", { class: "count" }, ` ${held.length}`)),
          ...held.map(card),
        );
      }),
    ),
  );
}

/**
 * Each colony's progress ledger as a board: pending, claimed (in progress included), done and
 * failed, each task with its steps and SOP items. Any task or colony event in the log re-reads
 * the ledger.
 */
export class TaskBoardView implements View {
  readonly element: HTMLElement;
  private readonly boards = h("div", { class: "boards", data: { testid: "task-board" } });
  private readonly reload = debounce(() => void this.load(), 250);

  constructor(
    private readonly api: Api,
    live: LiveLog,
  ) {
    this.element = h("section", { class: "view task-board", data: { view: "board" } }, this.boards);
    live.on((event) => {
      if (event.streamId.startsWith("task-") || event.streamId.startsWith("colony-")) this.reload();
    });
  }

  show(): void {
    void this.load();
  }

  private async load(): Promise<void> {
    const colonies = await this.api.colonies();
    const ledgers = await Promise.all(colonies.map((c) => this.api.tasks(c.id)));
    fill(
      this.boards,
      ...(colonies.length === 0 ? [h("p", { class: "empty" }, "No colony in the log yet.")] : []),
      ...colonies.map((colony, i) => board(colony, ledgers[i] ?? [])),
    );
    this.element.dataset.loaded = "true";
  }
}
