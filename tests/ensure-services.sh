#!/usr/bin/env bash
# Make sure the real services the tests talk to are up: PostgreSQL on
# 127.0.0.1:5432, Redis on 127.0.0.1:6379 (and redis-server for the tests' own), and Chromium for the page tests.
# Installs them from Debian's packages on a machine that lacks them.
# Extra tools by name: `ensure-services.sh wrk` also installs wrk (benchmarks).
set -euo pipefail

apt_updated=0
apt_install() {
  if [ "$(id -u)" != 0 ]; then
    echo "ensure-services: need root to install $*; install them and re-run" >&2
    exit 1
  fi
  if [ "$apt_updated" = 0 ]; then
    apt-get update -qq
    apt_updated=1
  fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

wait_for_port() {
  for _ in $(seq 1 60); do port_open "$1" && return 0; sleep 0.5; done
  echo "ensure-services: nothing answers on 127.0.0.1:$1" >&2
  exit 1
}

if [ -z "${DATABASE_URL:-}" ] && ! port_open 5432; then
  command -v pg_ctlcluster >/dev/null || apt_install postgresql
  version=$(ls /etc/postgresql | sort -n | tail -1)
  pg_ctlcluster --skip-systemctl-redirect "$version" main start || true
  wait_for_port 5432
fi

# The outage tests start (and hang) redis-servers of their own, even when REDIS_URL points elsewhere.
command -v redis-server >/dev/null || apt_install redis-server

if [ -z "${REDIS_URL:-}" ] && ! port_open 6379; then
  redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no
  wait_for_port 6379
fi

if [ ! -x /usr/bin/chromium ]; then
  apt_install chromium
fi

for tool in "$@"; do
  command -v "$tool" >/dev/null || apt_install "$tool"
done
