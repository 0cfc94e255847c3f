# syntax=docker/dockerfile:1
# One image for both production processes: `uprflow api` (the default) and `uprflow worker`.
# Built by docker-compose.yml (`build: .`); configured only through UPRFLOW_* variables.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

# Why: neither process needs root; a compromised API must not own the container.
RUN groupadd --system --gid 10001 uprflow \
    && useradd --system --uid 10001 --gid uprflow --create-home --home-dir /home/uprflow \
       --shell /usr/sbin/nologin uprflow \
    && install -d -o uprflow -g uprflow /var/lib/uprflow

# Runtime dependencies only (no dev extras); the source tree is removed after the install.
WORKDIR /tmp/uprflow-src
COPY . .
RUN pip install . \
    && cd / \
    && rm -rf /tmp/uprflow-src

WORKDIR /home/uprflow
USER uprflow

# Container-friendly defaults; docker-compose.yml (or any orchestrator) overrides them.
ENV UPRFLOW_DATA_DIR=/var/lib/uprflow \
    UPRFLOW_API_HOST=0.0.0.0 \
    UPRFLOW_API_PORT=8000 \
    UPRFLOW_LOG_FORMAT=json

EXPOSE 8000
CMD ["uprflow", "api"]
