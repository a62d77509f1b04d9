# One image template for every app. Where Docker Hub answers:
#   docker build --build-arg APP=webtoon -t microservices-platform/webtoon .
# Without a registry, `npm run images:build` builds all six on a Node.js base made here from
# Debian's and npm's packages (NODE_IMAGE); see docs/containers.md.
ARG NODE_IMAGE=node:26.12.1-bookworm-slim

# Every app from one build: the layers up to here are the same for all six images.
FROM ${NODE_IMAGE} AS build
WORKDIR /repo
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund --ignore-scripts
COPY . .
RUN npx nx run-many -t build --projects=tag:type:app --skip-nx-cache --output-style=static

# Production dependencies only, installed apart so the build toolchain stays out of the image.
# --omit=optional too: npm otherwise keeps a dev dependency that a production package lists as an
# optional peer (@nestjs/platform-express and all of Express, for @nestjs/core).
FROM ${NODE_IMAGE} AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --omit=optional --no-audit --no-fund && npm cache clean --force

FROM ${NODE_IMAGE}
ENV NODE_ENV=production HOST=0.0.0.0
# The same runtime settings as `npm start` (tools/start/apps.ts, docs/performance.md): a small
# young generation, and large freed blocks handed back to the system.
ENV NODE_OPTIONS=--max-semi-space-size=2 MALLOC_MMAP_THRESHOLD_=131072
WORKDIR /app
COPY --from=deps --chown=root:root /app/node_modules ./node_modules
ARG APP
RUN test -n "${APP}" || (echo 'build with --build-arg APP=<gateway|auth|webtoon|payment|news|blog|web>' >&2; exit 1)
COPY --from=build --chown=root:root /repo/dist/apps/${APP} ./
# A writable place for state an app must keep (auth's development keys); everything else is read-only.
RUN mkdir -p /var/lib/app && chown node:node /var/lib/app
WORKDIR /app/apps/${APP}/src
USER node
EXPOSE 8080 3001 3002 3003 3004 3005 3006
CMD ["node", "main.js"]
