import type { ColonyHost } from "../colony-host.js";
import type { AnyRoute } from "../route.js";

export function sessionRoutes(_host: ColonyHost): AnyRoute[] {
  return [];
}
