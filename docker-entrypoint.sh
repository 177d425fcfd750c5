#!/usr/bin/env bash
# What the image runs.
#
# With no arguments: refuse to serve unless every migration in this code is
# applied to DATABASE_URL (the chart's migrate job applies them before an
# upgrade), then replace this shell with gunicorn so it receives the pod's
# signals directly.
#
# With arguments (the chart's jobs, e.g. `python manage.py import_all`): run
# them as given, without the migration check, so the migrate job itself works.
#
# Environment:
#   WEB_CONCURRENCY   gunicorn workers; default 2 per CPU core
#   PORT              port to listen on; default 8000
#   BIND_HOST         address to listen on; default 0.0.0.0
#   GUNICORN_TIMEOUT  seconds before a silent worker is restarted; default 30
#   GUNICORN_THREADS, GUNICORN_HEADER_TIMEOUT  threads per worker (default 4) and
#                     the deadline of a request's headers (default 10 s); the
#                     worker class itself is set in gunicorn.conf.py
#   PROMETHEUS_MULTIPROC_DIR  where the workers keep their metrics (emptied at
#                     start); default a temporary directory (gunicorn.conf.py)
# Django logs each request (berkeleytime.access, with its request id);
# gunicorn.conf.py gives gunicorn's own lines the same JSON format.
set -euo pipefail
cd "$(dirname "$(readlink -f "$0")")"

if [ "$#" -gt 0 ]; then
  exec "$@"
fi

if ! python manage.py migrate --check; then
  echo "docker-entrypoint: migrate --check failed: the database lacks migrations this code" \
    "needs (run \`python manage.py migrate\`, the chart's migrate job) or cannot be reached." >&2
  exit 1
fi

cores=$(nproc)
exec gunicorn berkeleytime.wsgi:application \
  --config berkeleytime/gunicorn.conf.py \
  --bind "${BIND_HOST:-0.0.0.0}:${PORT:-8000}" \
  --workers "${WEB_CONCURRENCY:-$((2 * cores))}" \
  --timeout "${GUNICORN_TIMEOUT:-30}" \
  --graceful-timeout 25 \
  --worker-tmp-dir /tmp \
  --forwarded-allow-ips "${FORWARDED_ALLOW_IPS:-*}"
