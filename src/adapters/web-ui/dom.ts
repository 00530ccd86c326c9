/** What an element may hold: nodes, or text (numbers shown as text); nothing for null, undefined or false. */
export type Child = Node | string | number | null | undefined | false;

export interface Props {
  readonly class?: string;
  /** `data-*` attributes: what the tests and the styles select by. */
  readonly data?: Readonly<Record<string, string | number>>;
  readonly attrs?: Readonly<Record<string, string>>;
  readonly title?: string;
  readonly onClick?: (event: MouseEvent) => void;
}

/**
 * An element with its children. Text always goes in as text nodes, never as markup, so nothing
 * the log holds (a message, a goal, an id) can become part of the page's HTML.
 */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  props: Props = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  if (props.class) element.className = props.class;
  if (props.title) element.title = props.title;
  for (const [name, value] of Object.entries(props.data ?? {})) element.dataset[name] = String(value);
  for (const [name, value] of Object.entries(props.attrs ?? {})) element.setAttribute(name, value);
  const { onClick } = props;
  if (onClick) element.addEventListener("click", (event) => onClick(event as MouseEvent));
  append(element, children);
  return element;
}

export function append(parent: Node, children: readonly Child[]): void {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    parent.appendChild(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

/** Replaces what an element holds. */
export function fill(parent: Element, ...children: Child[]): void {
  parent.replaceChildren();
  append(parent, children);
}

/** A link to a route of the page (`#/...`). */
export function link(route: string, text: Child, props: Props = {}): HTMLAnchorElement {
  const anchor = h("a", props, text);
  anchor.href = `#${route}`;
  return anchor;
}

/**
 * The end of a long id, whole on hover: time-ordered uuids made in the same run share their first
 * half, and differ at the end.
 */
export function shortId(id: string): HTMLElement {
  return h("span", { class: "id", title: id }, id.length > 12 ? `…${id.slice(-8)}` : id);
}

/** `12:03:04.123`, from an ISO time; the date on hover. */
export function clock(iso: string): HTMLElement {
  return h("time", { title: iso, attrs: { datetime: iso } }, iso.slice(11, 23));
}

/** Runs `work` once, a little after the last of a burst of calls (a burst of events, one re-read). */
export function debounce(work: () => void, ms: number): () => void {
  let timer: ReturnType<typeof setTimeout> | undefined;
  return () => {
    clearTimeout(timer);
    timer = setTimeout(work, ms);
  };
}
