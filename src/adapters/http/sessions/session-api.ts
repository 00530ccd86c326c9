import type { ColonyHost } from "../colony-host.js";
import { ColonyWork } from "./colony-work.js";
import { queenSeat } from "./queen-seat.js";
import { QueenTurns } from "./queen-turns.js";
import { findSession } from "./session-lookup.js";

/** What the session routes keep over one host: the queens' turns and the colonies' work. */
export interface SessionApi {
  readonly host: ColonyHost;
  readonly work: ColonyWork;
  readonly queens: QueenTurns;
}

const apis = new WeakMap<ColonyHost, SessionApi>();

/**
 * One per host, however many servers are built over it: two sets of gates over one session
 * would let two of her turns run at once. Closed with the host.
 */
export function sessionApiOf(host: ColonyHost): SessionApi {
  let api = apis.get(host);
  if (!api) {
    const work = new ColonyWork(host);
    const queens = new QueenTurns({
      conversations: host.conversations,
      compactor: host.compactor,
      bus: host.bus,
      seat: (sessionId, parent) => queenSeat(host, work, sessionId, parent),
      isLocked: async (sessionId) => (await findSession(host, sessionId))?.locked === 1,
    });
    api = { host, work, queens };
    apis.set(host, api);
    host.onClose(async () => {
      apis.delete(host);
      await queens.close();
      await work.close();
    });
  }
  return api;
}
