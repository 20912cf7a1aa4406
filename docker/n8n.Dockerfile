# syntax=docker/dockerfile:1
# n8n 2.41.1 with IONFLUX's node package (n8n-nodes-ionflux) installed as a community package. Build from the
# repository root:
#   docker build -f docker/n8n.Dockerfile -t ionflux-n8n .
# The n8n install is scripts/n8n/install.sh, the script CI runs natively (npm run test:n8n); the node package is
# packed as the lane packs it.

FROM node:24-bookworm AS nodes
WORKDIR /app
COPY . .
RUN npm ci --no-audit --no-fund
RUN mkdir -p /out && cd nodes && npm pack --pack-destination /out

FROM node:24-bookworm AS n8n
ENV IONFLUX_N8N_DIR=/opt/n8n
COPY scripts/n8n/install.sh /tmp/install.sh
RUN bash /tmp/install.sh

FROM node:24-bookworm-slim AS runtime
RUN apt-get update -q && apt-get install -y -q --no-install-recommends libcurl4 libsasl2-2 libzstd1 liblz4-1 \
    && rm -rf /var/lib/apt/lists/*
COPY --from=n8n /opt/n8n /opt/n8n
COPY --from=nodes /out /tmp/nodes
ENV N8N_USER_FOLDER=/home/node \
    N8N_PORT=5678 \
    N8N_DIAGNOSTICS_ENABLED=false \
    N8N_VERSION_NOTIFICATIONS_ENABLED=false \
    N8N_TEMPLATES_ENABLED=false \
    N8N_PERSONALIZATION_ENABLED=false
RUN mkdir -p /home/node/.n8n/nodes \
    && cd /home/node/.n8n/nodes \
    && echo '{"name":"installed-nodes","private":true}' > package.json \
    && npm install --omit=peer --omit=dev --no-audit --no-fund /tmp/nodes/n8n-nodes-ionflux-*.tgz \
    && chown -R node:node /home/node
USER node
EXPOSE 5678
HEALTHCHECK --interval=10s --timeout=3s --retries=12 CMD node -e "fetch('http://127.0.0.1:5678/healthz/readiness').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
ENTRYPOINT ["node", "/opt/n8n/n8n/node_modules/n8n/bin/n8n"]
CMD ["start"]
