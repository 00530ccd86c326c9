export const VIEW_NAMES = ["timeline", "tree", "conversation", "board", "workers"] as const;
export type ViewName = (typeof VIEW_NAMES)[number];

/** Where the page is: `#/<view>[/<id>][?query]`. */
export interface Route {
  readonly view: ViewName;
  /** The conversation shown, for `#/conversation/<id>`. */
  readonly id: string | undefined;
  readonly query: URLSearchParams;
}

const isView = (name: string): name is ViewName => (VIEW_NAMES as readonly string[]).includes(name);

export function parseRoute(hash: string): Route {
  const [path = "", search = ""] = hash.replace(/^#\/?/, "").split("?", 2);
  const [name = "", ...rest] = path.split("/");
  const id = rest.length > 0 ? decodeURIComponent(rest.join("/")) : undefined;
  return { view: isView(name) ? name : "timeline", id, query: new URLSearchParams(search) };
}

export function conversationRoute(conversationId: string, version?: number): string {
  return `/conversation/${encodeURIComponent(conversationId)}${version === undefined ? "" : `?version=${version}`}`;
}

/** Rewrites the address without a history entry (a slider's every step is not a page to go back to). */
export function replaceRoute(route: string): void {
  history.replaceState(null, "", `#${route}`);
}
