# syntax=docker/dockerfile:1
# One image for both production processes: `uprflow api` (the default command) and
# `uprflow worker`. Built by docker-compose.yml (`build: .`) or `docker build -t uprflow .`;
# configured only through UPRFLOW_* variables (uprflow/config.py).
#
# The image runs in production mode (UPRFLOW_ENV=production), which refuses the development
# defaults: a container does not start without, at least,
#   UPRFLOW_SECRET_KEY        32+ random characters (token hashing, webhook signatures)
#   UPRFLOW_DATABASE_URL      the PostgreSQL ledger, postgresql+psycopg://user:password@host/db
#   UPRFLOW_TEMPORAL_ADDRESS  host:port of the Temporal frontend
# and, for a Temporal cluster behind TLS or mTLS or for Temporal Cloud, UPRFLOW_TEMPORAL_TLS,
# UPRFLOW_TEMPORAL_TLS_CA_FILE, UPRFLOW_TEMPORAL_TLS_CERT_FILE, UPRFLOW_TEMPORAL_TLS_KEY_FILE
# or UPRFLOW_TEMPORAL_API_KEY. Pass secrets from the orchestrator's secret store, never as
# build arguments: nothing secret is baked into the image.

# --- build: a virtual environment with the locked dependencies and the project -------------
FROM python:3.11-slim AS build

ENV PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PATH=/opt/uprflow/bin:$PATH

RUN python -m venv /opt/uprflow

# Dependencies before the source: this layer is rebuilt only when the lock file changes, not
# on every code change. requirements.lock pins every runtime dependency (no dev extras) with
# its hashes; --require-hashes refuses anything unpinned or altered.
WORKDIR /src
COPY requirements.lock ./
RUN pip install --require-hashes -r requirements.lock

# The project itself, without resolving anything more; `pip check` fails the build when the
# lock no longer satisfies pyproject.toml's dependencies.
COPY . .
RUN pip install --no-deps . \
    && pip check

# --- runtime: the virtual environment on a clean base, no source tree, no build tools -------
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PATH=/opt/uprflow/bin:$PATH

# Why: neither process needs root; a compromised API must not own the container.
RUN groupadd --system --gid 10001 uprflow \
    && useradd --system --uid 10001 --gid uprflow --create-home --home-dir /home/uprflow \
       --shell /usr/sbin/nologin uprflow \
    && install -d -o uprflow -g uprflow /var/lib/uprflow

COPY --from=build /opt/uprflow /opt/uprflow

WORKDIR /home/uprflow
USER uprflow:uprflow

# Production mode and container-friendly defaults; docker-compose.yml (or any orchestrator)
# adds the required variables above and may override these.
ENV UPRFLOW_ENV=production \
    UPRFLOW_DATA_DIR=/var/lib/uprflow \
    UPRFLOW_API_HOST=0.0.0.0 \
    UPRFLOW_API_PORT=8000 \
    UPRFLOW_LOG_FORMAT=json

EXPOSE 8000

# Liveness of the API: /livez answers while the process serves, whatever its dependencies
# (readiness, /readyz, is for load balancers). The slim image has no curl, hence urllib.
# A container running `uprflow worker` needs its own check (docker-compose.yml gives it one
# on the worker's metrics endpoint); Kubernetes ignores HEALTHCHECK and uses its probes.
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request as r; r.urlopen('http://127.0.0.1:%s/livez' % os.environ.get('UPRFLOW_API_PORT', '8000'), timeout=4)"]

CMD ["uprflow", "api"]
