import { z } from "zod";
import { verifyWebhook } from "../../../runtime/triggers/webhook-signature.js";
import { ApiError } from "../api-error.js";
import type { ColonyHost } from "../colony-host.js";
import { requireColony } from "../reads/colony-reads.js";
import { IdParam } from "../reads/params.js";
import { type AnyRoute, defineRoute, type RouteInput } from "../route.js";
import { sessionApiOf } from "../sessions/session-api.js";

/** GitHub's header name and scheme: `sha256=<hex HMAC-SHA256 of the raw body>`. */
export const SIGNATURE_HEADER = "x-hub-signature-256";
/** Retries that repeat one of these get the first firing's worker; GitHub repeats its delivery id. */
export const IDEMPOTENCY_HEADERS = ["idempotency-key", "x-github-delivery"] as const;

type Headers = RouteInput<unknown, unknown, unknown>["headers"];

/**
 * One header's value. Node joins a repeated header with ", " (a doubled signature then fails as
 * malformed); should one arrive as a list anyway, it is refused rather than one value picked.
 */
function header(headers: Headers, name: string): string | undefined {
  const value = headers[name];
  if (Array.isArray(value)) throw badHeader(name, "given more than once");
  return value;
}

const badHeader = (name: string, message: string) =>
  new ApiError(400, "invalid_request", `headers.${name}: ${message}`, {
    issues: [{ path: `headers.${name}`, message }],
  });

function idempotencyKey(headers: Headers): string | null {
  for (const name of IDEMPOTENCY_HEADERS) {
    const value = header(headers, name);
    if (value === undefined) continue;
    if (value.length < 1 || value.length > 200) throw badHeader(name, "expected 1-200 characters");
    return value;
  }
  return null;
}

interface WebhookDefinition {
  readonly route: string;
  readonly secretRef: string;
}

/**
 * The colony's live webhook trigger of that id, from the triggers read model: a refused request
 * must not open the colony's runtime, whose start takes over unfinished workers with events.
 */
async function webhookTrigger(host: ColonyHost, colonyId: string, triggerId: string): Promise<WebhookDefinition> {
  const db = host.db.readModels;
  await requireColony(db, colonyId);
  const webhooks = await db
    .selectFrom("triggers")
    .select(["id", "config"])
    .where("colony_id", "=", colonyId)
    .where("kind", "=", "webhook")
    .where("removed_at", "is", null)
    .orderBy("id")
    .execute();
  const row = webhooks.find((w) => w.id === triggerId);
  if (!row) {
    throw new ApiError(404, "unknown_webhook", `colony ${colonyId} has no webhook trigger ${triggerId}`, {
      colony_id: colonyId,
      trigger_id: triggerId,
      webhooks: webhooks.map((w) => w.id),
    });
  }
  return JSON.parse(row.config) as WebhookDefinition;
}

const Fired = z.strictObject({
  worker_id: z.string(),
  /** Null only for a retry answered from a key recorded without its firing. */
  firing_id: z.string().nullable(),
  /** `spawned`: this request fired; `replayed`: a retry, answered with the first firing's worker; `recovered`: a retry that started the worker a crash had left unstarted. */
  outcome: z.enum(["spawned", "replayed", "recovered"]),
});

/**
 * `POST /webhooks/:colony_id/:trigger_id` (DESIGN §6, webhook triggers): public, since the
 * sender holds no bearer token, but every request must carry the HMAC-SHA256 of its raw body
 * under the trigger's secret (named by the trigger's `secretRef`, read from the environment),
 * compared in constant time. Until the signature checks out nothing is appended and nothing
 * about earlier firings is told, so a forged retry cannot even learn a worker id. A firing
 * spawns the trigger's worker on the host's model and answers with its id at once (202).
 */
export function webhookRoutes(host: ColonyHost): AnyRoute[] {
  // The session routes' own: one trigger service per colony and host, whichever route fires it.
  const { work } = sessionApiOf(host);
  return [
    defineRoute({
      method: "POST",
      path: "/webhooks/:colony_id/:trigger_id",
      operationId: "fireWebhook",
      summary: `Fires a webhook trigger; needs ${SIGNATURE_HEADER}: sha256=<hex HMAC-SHA256 of the body>, and takes ${IDEMPOTENCY_HEADERS.join(" or ")} for retries`,
      tags: ["webhooks"],
      public: true,
      params: z.strictObject({ colony_id: IdParam, trigger_id: IdParam }),
      // Any JSON: the signature, not a schema, is what a sender's body must satisfy.
      body: z.unknown(),
      response: Fired,
      status: 202,
      errors: [401, 404, 409, 503],
      handler: async ({ params, headers, rawBody, body }) => {
        const { colony_id: colonyId, trigger_id: triggerId } = params;
        const definition = await webhookTrigger(host, colonyId, triggerId);
        const signature = header(headers, SIGNATURE_HEADER);
        const key = idempotencyKey(headers);
        // A text/plain body reaches the handler as the text itself; JSON arrives parsed, its text beside it.
        const raw = rawBody ?? (typeof body === "string" ? body : "");
        const { secretRef, route } = definition;
        // The service resolves the secret the same way (the environment) and verifies again; it is
        // checked here first so that a forged request is refused before the colony's runtime is
        // opened and before a missing model is told.
        const secret = process.env[secretRef];
        if (!secret) {
          throw new ApiError(
            503,
            "webhook_secret_unavailable",
            `webhook ${triggerId} of colony ${colonyId}: its secret ${secretRef} is not set on this server`,
            { colony_id: colonyId, trigger_id: triggerId, secret_ref: secretRef },
          );
        }
        verifyWebhook(colonyId, { triggerId, secret }, raw, signature);
        work.model(`webhook ${triggerId}'s worker`);
        // Only now: opening the colony's runtime may append (it takes over unfinished workers).
        const service = await work.triggers(colonyId);
        const fired = await service.fireWebhook({
          route,
          rawBody: raw,
          signatureHeader: signature,
          idempotencyKey: key,
        });
        return { worker_id: fired.workerId, firing_id: fired.firingId, outcome: fired.outcome };
      },
    }),
  ];
}
