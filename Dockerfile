# syntax=docker/dockerfile:1
# Build on a current LTS Node; run as a non-root user with only runtime dependencies.
FROM node:22-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm run build

FROM node:22-bookworm-slim
# Probot listens on localhost unless HOST is set: in a container that would be unreachable.
ENV NODE_ENV=production PORT=3000 HOST=0.0.0.0
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force
COPY --from=build /app/dist ./dist
COPY config ./config
COPY app.yml ./
USER node
EXPOSE 3000
# Probot answers GET /ping with "PONG" once the server is up.
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s \
  CMD node -e "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/ping').then(r=>process.exit(r.ok?0:1)).catch(()=>process.exit(1))"
# The same Node memory limits as `npm start` (see the README's performance section).
# dist/server.js stops cleanly on SIGTERM (docker stop): deliveries in flight may finish first.
CMD ["node", "--max-semi-space-size=2", "--max-old-space-size=192", "dist/server.js"]
