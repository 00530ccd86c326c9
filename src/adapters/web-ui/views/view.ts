import type { Route } from "../router.js";

/** One view of the page: built once, shown when the route names it. */
export interface View {
  readonly element: HTMLElement;
  show(route: Route): void;
}
