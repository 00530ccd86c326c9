import { Api } from "./api.js";
import { h } from "./dom.js";
import { LiveLog } from "./live-log.js";
import { parseRoute, VIEW_NAMES, type ViewName } from "./router.js";
import { tokenPrompt } from "./token-prompt.js";
import { ConversationView } from "./views/conversation.js";
import { ForkTreeView } from "./views/fork-tree.js";
import { TaskBoardView } from "./views/task-board.js";
import { TimelineView } from "./views/timeline.js";
import type { View } from "./views/view.js";
import { WorkersView } from "./views/workers.js";

const TITLES: Record<ViewName, string> = {
  timeline: "Timeline",
  tree: "Fork tree",
  conversation: "Conversation",
  board: "Task board",
  workers: "Workers",
};

/**
 * The page: a tab per view, the live log's state, and the views, each built on first visit and
 * kept (a view keeps following the log while another is shown).
 */
async function main(): Promise<void> {
  const body = document.body;
  const api = new Api(tokenPrompt(body));
  const liveState = h("span", { class: "live-state", data: { testid: "live-state" } }, "connecting");
  const live = new LiveLog(api, (state, detail) => {
    liveState.textContent = state === "live" ? "● live" : detail ? `${state}: ${detail}` : state;
    liveState.dataset.state = state;
  });
  const factories: Record<ViewName, () => View> = {
    timeline: () => new TimelineView(api, live),
    tree: () => new ForkTreeView(api, live),
    conversation: () => new ConversationView(api, live),
    board: () => new TaskBoardView(api, live),
    workers: () => new WorkersView(api, live),
  };
  const tabs = new Map<ViewName, HTMLAnchorElement>();
  const nav = h("nav", {});
  for (const name of VIEW_NAMES) {
    const tab = h("a", { data: { tab: name } }, TITLES[name]);
    tab.href = `#/${name}`;
    tabs.set(name, tab);
    nav.append(tab);
  }
  const content = h("main", {});
  body.append(h("header", { class: "top" }, h("h1", {}, "colonylog"), nav, liveState), content);

  const built = new Map<ViewName, View>();
  const route = () => {
    const at = parseRoute(location.hash);
    let view = built.get(at.view);
    if (!view) {
      view = factories[at.view]();
      built.set(at.view, view);
      content.append(view.element);
    }
    for (const [name, other] of built) other.element.hidden = name !== at.view;
    for (const [name, tab] of tabs) tab.classList.toggle("active", name === at.view);
    document.title = `colonylog · ${TITLES[at.view]}`;
    view.show(at);
  };
  window.addEventListener("hashchange", route);
  // The live log asks for the head first: with a token to ask for, that is where the form shows.
  await live.start();
  route();
}

void main();
