import type { ColonyHost } from "../colony-host.js";
import type { AnyRoute } from "../route.js";

export function webhookRoutes(_host: ColonyHost): AnyRoute[] {
  return [];
}
