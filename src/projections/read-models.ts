import type { Projection } from "./projection.js";
import { type WorkersReadModel, workersProjection } from "./workers/workers-projection.js";

/** Every read-model table, for typed Kysely reads. */
export type ReadModels = WorkersReadModel;

/** Every projection colonylog keeps, in the order they are created. */
export const allProjections: readonly Projection<any>[] = [workersProjection];
