# One image for every service; SERVICES picks which ones a container runs.
FROM node:22-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
# As `make install`: exactly the lock's packages, the lock left as it is.
RUN npm ci --no-fund --no-audit
COPY . .
RUN npm run build && npm prune --omit=dev

FROM node:22-slim
ENV NODE_ENV=production
WORKDIR /app
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY --from=build /app/config/worker-node-options ./config/
USER node
EXPOSE 8004
# The gateway answers on PORT; other services have no port of their own.
STOPSIGNAL SIGTERM
# Heap limits from config/worker-node-options unless NODE_OPTIONS is set: V8 sizes its heap by the
# memory it sees, and without them a worker's RSS grows with garbage it has no reason to collect yet.
CMD ["sh", "-c", "NODE_OPTIONS=\"${NODE_OPTIONS:-$(cat config/worker-node-options)}\" exec node dist/bin/server.js"]
