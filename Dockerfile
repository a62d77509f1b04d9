# syntax=docker/dockerfile:1
# One image template for every app:  docker build --build-arg APP=webtoon -t platform/webtoon .
ARG NODE_IMAGE=node:20.20.2-bookworm-slim

FROM ${NODE_IMAGE} AS build
WORKDIR /repo
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund --ignore-scripts
COPY . .
ARG APP
RUN test -n "${APP}" && npx nx run "${APP}:build" --skip-nx-cache

# Production dependencies only, installed apart so the build toolchain stays out of the image.
FROM ${NODE_IMAGE} AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force

FROM ${NODE_IMAGE}
ENV NODE_ENV=production HOST=0.0.0.0
ARG APP
WORKDIR /app
COPY --from=deps --chown=root:root /app/node_modules ./node_modules
COPY --from=build --chown=root:root /repo/dist/apps/${APP} ./
# A writable place for state an app must keep (auth's development keys); everything else is read-only.
RUN mkdir -p /var/lib/app && chown node:node /var/lib/app
WORKDIR /app/apps/${APP}/src
USER node
EXPOSE 8080 3001 3002 3003 3004 3005
CMD ["node", "main.js"]
