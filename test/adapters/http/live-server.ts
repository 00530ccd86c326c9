import type { FastifyInstance } from "fastify";
import createClient, { type Client } from "openapi-fetch";
import { type ApiOptions, buildApi } from "../../../src/adapters/http/api.js";
import type { ColonyHost } from "../../../src/adapters/http/colony-host.js";
import type { paths } from "./generated/api.js";

export interface LiveServer {
  readonly app: FastifyInstance;
  /** `http://127.0.0.1:<port>`. */
  readonly baseUrl: string;
  /** The client generated from /openapi.json, sending the token when the server has one. */
  readonly client: Client<paths>;
  /** The same client without any Authorization header. */
  readonly anonymous: Client<paths>;
}

/** The whole API over `host`, listening on a free loopback port: the real server, not inject(). */
export async function listen(host: ColonyHost, options: Partial<ApiOptions> = {}): Promise<LiveServer> {
  const app = buildApi(host, { version: "test", ...options });
  const address = await app.listen({ host: "127.0.0.1", port: 0 });
  const baseUrl = address.replace("localhost", "127.0.0.1");
  const headers = options.token ? { Authorization: `Bearer ${options.token}` } : undefined;
  return {
    app,
    baseUrl,
    client: createClient<paths>({ baseUrl, ...(headers ? { headers } : {}) }),
    anonymous: createClient<paths>({ baseUrl }),
  };
}
