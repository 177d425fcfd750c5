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
# `wait-for-migrations` (the web and search pods' init container): retry
# `migrate --check` every MIGRATIONS_WAIT_INTERVAL seconds (default 5) until it
# passes, then exit 0, so a pod started before its migrate Job finished shows
# Init rather than CrashLoopBackOff. After MIGRATIONS_WAIT_TIMEOUT seconds
# (default 900) it exits 1 with the reason.
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

if [ "${1:-}" = "wait-for-migrations" ]; then
  timeout=${MIGRATIONS_WAIT_TIMEOUT:-900}
  interval=${MIGRATIONS_WAIT_INTERVAL:-5}
  deadline=$((SECONDS + timeout))
  until output=$(python manage.py migrate --check 2>&1); do
    if [ "$SECONDS" -ge "$deadline" ]; then
      echo "docker-entrypoint: gave up after ${timeout}s waiting for migrations: the database still" \
        "lacks migrations this code needs (is the migrate Job for this image running?) or cannot be" \
        "reached. Last \`migrate --check\`: $(printf "%s" "${output:-no output}" | tail -n 1)" >&2
      exit 1
    fi
    echo "docker-entrypoint: waiting for migrations ($((deadline - SECONDS))s left)" >&2
    sleep "$interval"
  done
  echo "docker-entrypoint: every migration is applied" >&2
  exit 0
fi

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
