import type { ConversationSummaryBody } from "../../http/reads/conversation-list.js";
import type { Api } from "../api.js";
import { clock, debounce, fill, h, link, shortId } from "../dom.js";
import type { LiveLog } from "../live-log.js";
import { conversationRoute } from "../router.js";
import type { View } from "./view.js";

/** The events that add a conversation to the tree or move one's counts. */
const CONVERSATION_EVENTS = new Set(["ConversationStarted", "ConversationForked", "ConversationCompacted"]);

/**
 * Every conversation as a tree of forks (`GET /api/conversations`): each fork under its parent,
 * with the parent's version it was forked at and why, its owner, how far its own stream has gone
 * and whether its live context is compacted. A new conversation in the log re-reads the list.
 */
export class ForkTreeView implements View {
  readonly element: HTMLElement;
  private readonly tree = h("div", { class: "tree", data: { testid: "fork-tree" } });
  private readonly reload = debounce(() => void this.load(), 250);

  constructor(
    private readonly api: Api,
    live: LiveLog,
  ) {
    this.element = h(
      "section",
      { class: "view fork-tree", data: { view: "tree" } },
      h("p", { class: "hint" }, "Each fork sits under the conversation it was forked from, at the version shown."),
      this.tree,
    );
    live.on((event) => {
      if (CONVERSATION_EVENTS.has(event.type)) this.reload();
    });
  }

  show(): void {
    void this.load();
  }

  private async load(): Promise<void> {
    const conversations = await this.api.conversations();
    const children = new Map<string | null, ConversationSummaryBody[]>();
    const known = new Set(conversations.map((c) => c.conversation_id));
    for (const conversation of conversations) {
      // A fork whose parent is not listed is shown as a root rather than lost.
      const parent =
        conversation.parent_id !== null && known.has(conversation.parent_id) ? conversation.parent_id : null;
      children.set(parent, [...(children.get(parent) ?? []), conversation]);
    }
    const branch = (parent: string | null): HTMLElement | null => {
      const under = children.get(parent);
      if (!under) return null;
      return h("ul", {}, ...under.map((c) => h("li", {}, this.node(c), branch(c.conversation_id))));
    };
    fill(this.tree, branch(null) ?? h("p", { class: "empty" }, "No conversation in the log yet."));
    this.element.dataset.count = String(conversations.length);
  }

  private node(c: ConversationSummaryBody): HTMLElement {
    return h(
      "div",
      {
        class: `node owner-${c.owner.kind}`,
        data: { conversation: c.conversation_id, depth: c.depth, parent: c.parent_id ?? "" },
      },
      h("span", { class: `owner-badge kind-${c.owner.kind}` }, c.owner.kind),
      h("span", { class: "owner-id" }, shortId(c.owner.id)),
      link(conversationRoute(c.conversation_id), shortId(c.conversation_id), { class: "conversation-link" }),
      c.parent_id !== null
        ? h(
            "span",
            { class: "fork", title: `forked from ${c.parent_id} at its version ${c.parent_version}` },
            `forked at v${c.parent_version}`,
            c.fork_reason ? ` · ${c.fork_reason}` : "",
          )
        : h("span", { class: "fork root" }, "root"),
      h("span", { class: "counts" }, `${c.part_count} parts · v${c.last_version}`),
      c.compacted_through_seq !== null
        ? h(
            "span",
            { class: "compacted", title: "its live context starts from a compaction" },
            `compacted ≤ #${c.compacted_through_seq}`,
          )
        : null,
      clock(c.started_at),
    );
  }
}
