# Activelog API for PostgreSQL (see docker-compose.yml). Node 24 LTS, runs as a non-root user.
FROM node:24-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
COPY examples/web/package.json examples/web/package.json
# The migration tool is a workspace package: npm ci links it, npm run build compiles it.
COPY packages ./packages
COPY prisma ./prisma
COPY scripts ./scripts
COPY prisma.config.ts ./
COPY src ./src
# The image runs on PostgreSQL: of the postinstall steps it needs the Prisma client and
# dist/, not the embedded database's template.
RUN npm ci --ignore-scripts && npm run prisma:generate && npm run build && npm prune --omit=dev

FROM node:24-bookworm-slim
ENV NODE_ENV=production PORT=4000
WORKDIR /app
COPY --from=build --chown=node:node /app/package.json ./
COPY --from=build --chown=node:node /app/node_modules ./node_modules
COPY --from=build --chown=node:node /app/dist ./dist
# What node_modules/@activelog/prisma-wasm-migrate links to: its package.json and its build.
COPY --from=build --chown=node:node /app/packages/prisma-wasm-migrate/package.json ./packages/prisma-wasm-migrate/
COPY --from=build --chown=node:node /app/packages/prisma-wasm-migrate/dist ./packages/prisma-wasm-migrate/dist
COPY --from=build --chown=node:node /app/prisma ./prisma
USER node
EXPOSE 4000
HEALTHCHECK --interval=10s --timeout=3s --retries=3 CMD ["node", "-e", "fetch('http://127.0.0.1:'+process.env.PORT+'/readyz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
# Node 24's young generation grows to 64 MiB per semi-space (Node 20's to 16): under load the
# API then held 290-300 MiB of RSS, and 207 with 16, at no CPU cost that showed
# (bench/README.md, "Node 24's young generation"). bench:e2e starts the API with the same flag.
CMD ["node", "--max-semi-space-size=16", "dist/main.js"]
