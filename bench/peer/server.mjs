// The hand-written peer of `npm run bench:e2e`: the two operations it loads, written the
// way a user of Apollo Server 5 + Express 5 + Prisma would write them by hand, with no
// broker, no type-graphql and none of the API's machinery. Kept this small on purpose:
// the API is measured against it.
//
//   DATABASE_URL=postgresql://postgres@127.0.0.1:5432/<a migrated database> PORT=4001 \
//     NODE_ENV=production node bench/peer/server.mjs
//
// Sessions are the API's (the sessions table, by SHA-256 of the bearer token, not revoked,
// not expired); createActivity does the API's three writes in one prisma.$transaction,
// the notification only when the user's activity_notifications setting is on.
// The Prisma client is the app's generated one (dist/generated, so `npm run build` first).
import { createHash } from "node:crypto";
import { createServer } from "node:http";
import { ApolloServer } from "@apollo/server";
import { ApolloServerPluginDrainHttpServer } from "@apollo/server/plugin/drainHttpServer";
import { expressMiddleware } from "@as-integrations/express5";
import { PrismaPg } from "@prisma/adapter-pg";
import express from "express";
import { GraphQLError } from "graphql";
import { PrismaClient } from "../../dist/generated/prisma/client.js";

const prisma = new PrismaClient({
  adapter: new PrismaPg({
    connectionString: process.env.DATABASE_URL,
    max: Number(process.env.DATABASE_POOL_SIZE ?? 10),
  }),
});

const typeDefs = `#graphql
  type User { email: String! }
  type Activity { id: ID!, type: String!, title: String! }
  type CreateActivityPayload { activity: Activity! }
  input CreateActivityInput { type: String!, title: String!, description: String }
  type Query { me: User }
  type Mutation { createActivity(input: CreateActivityInput!): CreateActivityPayload! }
`;

async function viewerOf(authorization) {
  const token = /^Bearer (\S+)$/.exec(authorization ?? "")?.[1];
  if (!token) return null;
  const session = await prisma.session.findUnique({
    where: { tokenHash: createHash("sha256").update(token).digest("hex") },
  });
  if (!session || session.revokedAt || session.expiresAt <= new Date()) return null;
  return { userId: session.userId };
}

const resolvers = {
  Query: {
    me: (_, __, { viewer }) => viewer && prisma.user.findUnique({ where: { id: viewer.userId } }),
  },
  Mutation: {
    async createActivity(_, { input }, { viewer }) {
      if (!viewer)
        throw new GraphQLError("Sign in first", { extensions: { code: "UNAUTHENTICATED" } });
      const { userId } = viewer;
      const activity = await prisma.$transaction(async (tx) => {
        const activity = await tx.activity.create({
          data: {
            userId,
            type: input.type,
            title: input.title,
            description: input.description ?? null,
            activityDate: new Date(),
          },
        });
        // The notification only when the user wants it, the setting read by the insert.
        const message = `Activity logged: ${activity.title}`;
        await tx.$queryRaw`
          INSERT INTO notifications (id, user_id, message)
          SELECT gen_random_uuid(), id, ${message} FROM users
          WHERE id = ${userId}::uuid AND activity_notifications`;
        await tx.userStats.update({
          where: { userId },
          data: { totalActivities: { increment: 1 } },
        });
        return activity;
      });
      return { activity };
    },
  },
};

const app = express();
const httpServer = createServer(app);
const apollo = new ApolloServer({
  typeDefs,
  resolvers,
  plugins: [ApolloServerPluginDrainHttpServer({ httpServer })],
});
await apollo.start();
app.use(
  "/graphql",
  express.json(),
  expressMiddleware(apollo, {
    context: async ({ req }) => ({ viewer: await viewerOf(req.headers.authorization) }),
  }),
);
httpServer.listen(Number(process.env.PORT ?? 4001), () => {
  console.log(`peer ready at http://localhost:${httpServer.address().port}/graphql`);
});
