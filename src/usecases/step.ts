import type { StepContext } from "../broker/index.js";
import type { Prisma } from "../db/index.js";

/** What every use case receives besides its input: the transaction client (never the global one), the abort signal, its logger. */
export type Step = StepContext<Prisma.TransactionClient>;
