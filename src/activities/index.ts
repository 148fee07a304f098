/**
 * Activities: logging a run, ride or workout (the createActivity workflow), and reading
 * the viewer's activities, stats and notifications.
 */
// type-graphql reads the decorators' metadata through it: loaded before any decorated class.
import "reflect-metadata";
import type { PrismaClient } from "../db/index.js";
import { createActivityReads } from "./activity.reads.js";
import {
  ActivityResolver,
  UserActivityResolver,
  type ActivitiesContext,
} from "./activity.resolver.js";
import { createActivityWorkflow } from "./createActivity.workflow.js";

export { ActivityResolver, UserActivityResolver, type ActivitiesContext };
export { createActivityWorkflow } from "./createActivity.workflow.js";

/** The activities feature, built with what it needs: its workflows and the services its resolvers find in the request context. */
export function createActivitiesFeature(deps: { prisma: PrismaClient }) {
  const services: ActivitiesContext["activities"] = {
    workflows: { createActivity: createActivityWorkflow },
    reads: createActivityReads(deps.prisma),
  };
  return { workflows: Object.values(services.workflows), services };
}
