# syntax=docker/dockerfile:1
# The IONFLUX server with the studio's static build. Build from the repository root:
#   docker build -f docker/ionflux.Dockerfile -t ionflux .
# The build runs the same commands as CI on a clean clone (.ci/run): npm ci (which builds every package and the
# studio through the prepare script), then drops the dev dependencies.

FROM node:24-bookworm AS build
WORKDIR /app
COPY . .
RUN npm ci --no-audit --no-fund
RUN node scripts/build-studio.js --force
RUN npm prune --omit=dev --no-audit --no-fund

FROM node:24-bookworm-slim AS runtime
ENV NODE_ENV=production \
    IONFLUX_HOST=0.0.0.0 \
    PORT=8080 \
    IONFLUX_DATA_DIR=/data
WORKDIR /app
COPY --from=build /app /app
RUN mkdir -p /data && chown node:node /data
USER node
VOLUME /data
EXPOSE 8080
HEALTHCHECK --interval=10s --timeout=3s --retries=6 CMD node -e "fetch('http://127.0.0.1:'+process.env.PORT+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
CMD ["node", "cli/bin/ionflux.js", "serve"]
