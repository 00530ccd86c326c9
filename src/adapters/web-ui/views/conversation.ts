import type { ConversationBody, PartBody } from "../../http/reads/conversation-at.js";
import type { Api } from "../api.js";
import { debounce, fill, h, link, shortId } from "../dom.js";
import type { LiveLog } from "../live-log.js";
import { conversationRoute, type Route, replaceRoute } from "../router.js";
import type { View } from "./view.js";

type Compaction = NonNullable<ConversationBody["compaction"]>;

/** Tool arguments can be long (a colony's whole task list): the start of them, all of it in the event. */
const clipped = (text: string, max = 300) =>
  text.length > max ? `${text.slice(0, max)}… (${text.length} characters)` : text;

function badges(part: PartBody): HTMLElement[] {
  const marks: HTMLElement[] = [];
  if (part.inherited) {
    marks.push(
      h(
        "span",
        { class: "badge inherited", title: `from conversation ${part.conversation_id}, its version ${part.version}` },
        "inherited from ",
        shortId(part.conversation_id),
      ),
    );
  }
  if (part.compacted) marks.push(h("span", { class: "badge compacted" }, "compacted"));
  if (part.flags?.client_input) marks.push(h("span", { class: "badge" }, "client input"));
  if (part.flags?.trigger) marks.push(h("span", { class: "badge" }, "trigger"));
  if (part.model) marks.push(h("span", { class: "badge model" }, part.model));
  if (part.usage) {
    marks.push(h("span", { class: "badge usage" }, `${part.usage.input_tokens} in / ${part.usage.output_tokens} out`));
  }
  return marks;
}

function partCard(part: PartBody): HTMLElement {
  return h(
    "article",
    {
      class: `part role-${part.role}${part.inherited ? " is-inherited" : ""}${part.compacted ? " is-compacted" : ""}`,
      data: {
        seq: part.seq,
        role: part.role,
        inherited: String(part.inherited),
        compacted: String(part.compacted),
        conversation: part.conversation_id,
      },
    },
    h(
      "header",
      {},
      h("span", { class: "seq" }, `#${part.seq}`),
      h("span", { class: "role" }, part.role),
      ...badges(part),
    ),
    part.content !== "" ? h("pre", { class: "content" }, part.content) : null,
    part.tool_calls?.length
      ? h(
          "ul",
          { class: "tool-calls" },
          ...part.tool_calls.map((call) =>
            h(
              "li",
              {},
              h("code", {}, call.name),
              " ",
              h("code", { class: "args" }, clipped(JSON.stringify(call.arguments))),
            ),
          ),
        )
      : null,
    part.tool_call_id ? h("div", { class: "tool-result-of" }, "answers ", h("code", {}, part.tool_call_id)) : null,
  );
}

function boundary(compaction: Compaction, own: string): HTMLElement {
  return h(
    "div",
    { class: "compaction-boundary", data: { testid: "compaction-boundary", through: compaction.through_seq } },
    h(
      "strong",
      {},
      `compaction boundary: parts through #${compaction.through_seq} are replaced in the live context by a summary`,
    ),
    h(
      "span",
      {},
      ` (${compaction.method}, at version ${compaction.version} of `,
      compaction.conversation_id === own ? "this conversation" : shortId(compaction.conversation_id),
      ")",
    ),
    h("pre", { class: "summary" }, compaction.summary),
  );
}

/**
 * One conversation as it stood at a version of its own stream (`GET .../conversation?version=`,
 * history view): every part visible then, in order, each inherited part marked with the ancestor
 * it comes from, compacted parts dimmed and the compaction boundary drawn after the last of them.
 * The slider moves through the versions, each move a new read; following the last version, it
 * moves on by itself when the conversation grows.
 */
export class ConversationView implements View {
  readonly element: HTMLElement;
  private readonly heading = h("div", { class: "conversation-head" });
  private readonly slider = h("input", {
    attrs: { type: "range", min: "0", max: "0", step: "1", "aria-label": "version" },
    data: { testid: "version-slider" },
  });
  private readonly versionLabel = h("output", { data: { testid: "version-label" } });
  private readonly checkpoints = h("span", { class: "checkpoints" });
  private readonly parts = h("div", { class: "parts", data: { testid: "parts" } });
  private readonly picker = h("div", { class: "picker" });
  private conversationId: string | undefined;
  private lastVersion = 0;
  private asked = 0;
  private readonly moved = debounce(() => void this.load(Number(this.slider.value)), 120);

  constructor(
    private readonly api: Api,
    live: LiveLog,
  ) {
    this.slider.addEventListener("input", () => {
      this.versionLabel.textContent = this.label(Number(this.slider.value));
      this.moved();
    });
    this.element = h(
      "section",
      { class: "view conversation", data: { view: "conversation" } },
      this.picker,
      this.heading,
      h("div", { class: "slider-row" }, h("label", {}, "version ", this.slider), this.versionLabel, this.checkpoints),
      h(
        "div",
        { class: "legend" },
        h("span", { class: "part-key own" }, "own part"),
        h("span", { class: "part-key inherited" }, "inherited from a parent (fork)"),
        h("span", { class: "part-key compacted" }, "compacted away from the live context"),
      ),
      this.parts,
    );
    live.on((event) => {
      if (!this.conversationId || event.streamId !== `conversation-${this.conversationId}`) return;
      const following = Number(this.slider.value) === this.lastVersion;
      this.setLast(event.version);
      if (following) {
        this.slider.value = String(event.version);
        void this.load(event.version);
      }
    });
  }

  show(route: Route): void {
    if (!route.id) {
      this.conversationId = undefined;
      this.element.dataset.conversation = "";
      for (const part of [this.heading, this.parts, this.checkpoints]) fill(part);
      void this.offerPicker();
      return;
    }
    fill(this.picker);
    const version = route.query.get("version");
    this.conversationId = route.id;
    this.element.dataset.conversation = route.id;
    void this.load(version !== null && /^[0-9]+$/.test(version) ? Number(version) : undefined);
  }

  private async offerPicker(): Promise<void> {
    const conversations = await this.api.conversations();
    fill(
      this.picker,
      h("p", { class: "hint" }, "Pick a conversation (or open one from the fork tree or a worker):"),
      h(
        "ul",
        {},
        ...conversations.map((c) =>
          h("li", {}, link(conversationRoute(c.conversation_id), c.conversation_id), ` ${c.owner.kind} ${c.owner.id}`),
        ),
      ),
    );
  }

  private label(version: number): string {
    return `version ${version} of ${this.lastVersion}`;
  }

  private setLast(last: number): void {
    this.lastVersion = Math.max(this.lastVersion, last);
    this.slider.max = String(this.lastVersion);
    this.versionLabel.textContent = this.label(Number(this.slider.value));
  }

  private async load(version?: number): Promise<void> {
    const id = this.conversationId;
    if (!id) return;
    const asked = ++this.asked;
    this.element.dataset.loading = "true";
    let conversation: ConversationBody;
    try {
      conversation = await this.api.conversation(id, version);
    } catch (error) {
      if (asked !== this.asked) return;
      this.element.dataset.loading = "false";
      fill(this.parts, h("p", { class: "error" }, (error as Error).message));
      return;
    }
    // A slower answer to an older move must not overwrite a newer one.
    if (asked !== this.asked) return;
    this.render(conversation);
    replaceRoute(conversationRoute(id, conversation.version));
    this.element.dataset.loading = "false";
  }

  private render(c: ConversationBody): void {
    this.lastVersion = c.last_version;
    this.slider.max = String(c.last_version);
    this.slider.value = String(c.version);
    this.versionLabel.textContent = this.label(c.version);
    this.element.dataset.version = String(c.version);
    this.element.dataset.lastVersion = String(c.last_version);

    const parent =
      c.parent_id !== null
        ? h(
            "span",
            {},
            "forked from ",
            link(conversationRoute(c.parent_id, c.parent_version ?? undefined), shortId(c.parent_id)),
            ` at its version ${c.parent_version}`,
          )
        : h("span", {}, "a root conversation");
    const ancestry = h(
      "ol",
      { class: "ancestry", title: "the fork chain, root first" },
      ...c.ancestry.map((a) =>
        h(
          "li",
          {},
          a.conversation_id === c.conversation_id
            ? h("strong", {}, shortId(a.conversation_id))
            : link(conversationRoute(a.conversation_id, a.up_to_version ?? undefined), shortId(a.conversation_id)),
          a.up_to_version !== null ? ` ≤ v${a.up_to_version}` : "",
        ),
      ),
    );
    fill(
      this.heading,
      h("h2", {}, "conversation ", h("code", {}, c.conversation_id)),
      h(
        "div",
        { class: "meta" },
        h("span", { class: `owner-badge kind-${c.owner.kind}` }, c.owner.kind),
        ` ${c.owner.id} · `,
        parent,
      ),
      ancestry,
    );

    fill(
      this.checkpoints,
      ...c.checkpoints.map((k) =>
        h(
          "button",
          {
            attrs: { type: "button" },
            title: `checkpoint marked at version ${k.version}`,
            onClick: () => void this.load(k.marked_version),
          },
          `⚑ ${k.label} (v${k.marked_version})`,
        ),
      ),
    );

    const cards: HTMLElement[] = [];
    const compaction = c.compaction;
    const through = compaction?.through_seq ?? -1;
    let drawn = false;
    for (const part of c.parts) {
      if (compaction && !drawn && part.seq > through) {
        cards.push(boundary(compaction, c.conversation_id));
        drawn = true;
      }
      cards.push(partCard(part));
    }
    if (compaction && !drawn) cards.push(boundary(compaction, c.conversation_id));
    const own = c.parts.filter((p) => !p.inherited).length;
    fill(
      this.parts,
      h(
        "p",
        { class: "parts-count", data: { testid: "parts-count" } },
        `${c.parts.length} parts visible at version ${c.version}: ${c.parts.length - own} inherited, ${own} its own`,
      ),
      c.system_prompt
        ? h("details", { class: "system-prompt" }, h("summary", {}, "system prompt"), h("pre", {}, c.system_prompt))
        : null,
      ...cards,
    );
  }
}
