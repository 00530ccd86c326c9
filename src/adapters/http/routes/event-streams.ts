import type { FastifyInstance } from "fastify";
import type { ColonyHost } from "../colony-host.js";

export function eventStreams(_host: ColonyHost): (app: FastifyInstance) => void {
  return () => {};
}
