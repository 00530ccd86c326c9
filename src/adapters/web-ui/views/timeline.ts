import { categories, categoryOf } from "../../../domain/stream-id.js";
import type { Api } from "../api.js";
import { clock, h, link, shortId } from "../dom.js";
import { EventStream, type LogEvent, type StreamFilter } from "../event-stream.js";
import type { LiveLog } from "../live-log.js";
import { conversationRoute } from "../router.js";
import { eventGist } from "./event-gist.js";
import type { View } from "./view.js";

/** Rows kept on the page: the newest; older ones are still in the log. */
const MAX_ROWS = 1_000;
const ALL = "";

function choice(name: string, all: string): HTMLSelectElement {
  const select = h("select", { attrs: { name, "aria-label": name } });
  select.append(new Option(all, ALL));
  return select;
}

/** Sets a select's options to `values` (after its "all" option), keeping what was chosen. */
function offer(select: HTMLSelectElement, values: Iterable<string>): void {
  const chosen = select.value;
  const sorted = [...values].sort();
  select.replaceChildren(select.options[0] as HTMLOptionElement, ...sorted.map((v) => new Option(v, v)));
  select.value = sorted.includes(chosen) ? chosen : ALL;
}

/**
 * The log as a timeline, newest first. Its own event stream carries the filters to the server
 * (`?categories=`, `?types=`, `?streams=`): the server replays the matching events from the start
 * of the log and then sends new ones as they are appended, with no gap between the two. A change
 * of filter opens a new stream. The choices offered are the categories of the log and the types
 * and streams seen so far (in this stream or in the live log).
 */
export class TimelineView implements View {
  readonly element: HTMLElement;
  private readonly rows = h("div", { class: "events", data: { testid: "timeline-events" } });
  private readonly count = h("span", { class: "count", data: { testid: "timeline-count" } });
  private readonly status = h("span", { class: "stream-state" });
  private readonly category = choice("category", "all categories");
  private readonly type = choice("type", "all types");
  private readonly stream = choice("stream", "all streams");
  private readonly types = new Set<string>();
  private readonly streams = new Set<string>();
  private readonly queued: LogEvent[] = [];
  private flushing = false;
  private shown = 0;
  private current: EventStream | undefined;

  constructor(
    private readonly api: Api,
    live: LiveLog,
  ) {
    for (const name of categories) this.category.append(new Option(name, name));
    const clear = h("button", { attrs: { type: "button" }, onClick: () => this.clearFilters() }, "clear filters");
    for (const select of [this.category, this.type, this.stream]) {
      select.addEventListener("change", () => this.open());
    }
    this.element = h(
      "section",
      { class: "view timeline", data: { view: "timeline" } },
      h(
        "div",
        { class: "toolbar" },
        h("label", {}, "category ", this.category),
        h("label", {}, "type ", this.type),
        h("label", {}, "stream ", this.stream),
        clear,
        this.count,
        this.status,
      ),
      this.rows,
    );
    live.on((event) => this.learn(event) && this.offerChoices());
    this.open();
  }

  show(): void {}

  private filter(): StreamFilter {
    const one = (select: HTMLSelectElement) => (select.value === ALL ? undefined : [select.value]);
    const categories = one(this.category);
    const types = one(this.type);
    const streams = one(this.stream);
    return { ...(categories ? { categories } : {}), ...(types ? { types } : {}), ...(streams ? { streams } : {}) };
  }

  private clearFilters(): void {
    for (const select of [this.category, this.type, this.stream]) select.value = ALL;
    this.open();
  }

  private open(): void {
    this.current?.close();
    this.queued.length = 0;
    this.shown = 0;
    this.rows.replaceChildren();
    this.element.dataset.filter = JSON.stringify(this.filter());
    this.element.dataset.loaded = "false";
    this.updateCount();
    this.current = new EventStream(this.api, {
      after: 0,
      filter: this.filter(),
      onEvent: (event) => this.queue(event),
      onState: (state, detail) => {
        this.status.textContent = detail ? `${state}: ${detail}` : state;
        this.status.dataset.state = state;
      },
    });
  }

  /** Events come in bursts (the whole log on opening): rendered once per frame. */
  private queue(event: LogEvent): void {
    this.queued.push(event);
    if (this.flushing) return;
    this.flushing = true;
    requestAnimationFrame(() => this.flush());
  }

  private flush(): void {
    this.flushing = false;
    const batch = this.queued.splice(0);
    let learned = false;
    const fragment = document.createDocumentFragment();
    for (let i = batch.length - 1; i >= 0; i--) {
      const event = batch[i] as LogEvent;
      learned = this.learn(event) || learned;
      if (batch.length - i <= MAX_ROWS) fragment.append(this.row(event));
    }
    this.rows.prepend(fragment);
    while (this.rows.childElementCount > MAX_ROWS) this.rows.lastElementChild?.remove();
    this.shown += batch.length;
    this.element.dataset.loaded = "true";
    this.updateCount();
    if (learned) this.offerChoices();
  }

  private updateCount(): void {
    const kept = this.rows.childElementCount;
    this.count.textContent =
      kept < this.shown ? `${this.shown} events (the newest ${kept} shown)` : `${this.shown} events`;
  }

  /** Whether the event names a type or stream not seen before. */
  private learn(event: LogEvent): boolean {
    const before = this.types.size + this.streams.size;
    this.types.add(event.type);
    this.streams.add(event.streamId);
    return this.types.size + this.streams.size !== before;
  }

  private offerChoices(): void {
    offer(this.type, this.types);
    offer(this.stream, this.streams);
  }

  private row(event: LogEvent): HTMLElement {
    const category = categoryOf(event.streamId);
    const data = {
      position: event.position,
      stream: event.streamId,
      type: event.type,
      category,
    };
    const conversation =
      category === "conversation"
        ? link(conversationRoute(event.streamId.slice("conversation-".length), event.version), "open at this version")
        : null;
    const details = h(
      "details",
      { class: "event", data },
      h(
        "summary",
        {},
        h("span", { class: "position" }, event.position),
        clock(event.metadata.recordedAt),
        h("span", { class: `category cat-${category}` }, category),
        h("span", { class: "stream" }, shortId(event.streamId.slice(category.length + 1))),
        h("span", { class: "version", title: "version in its stream" }, `v${event.version}`),
        h("span", { class: "type" }, event.type),
        h("span", { class: "gist" }, eventGist(event)),
      ),
    );
    // The full event is built only when opened: most rows never are.
    details.addEventListener("toggle", () => {
      if (details.open && details.childElementCount === 1) {
        details.append(h("div", { class: "event-body" }, conversation, h("pre", {}, JSON.stringify(event, null, 2))));
      }
    });
    return details;
  }
}
