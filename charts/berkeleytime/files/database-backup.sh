#!/usr/bin/env bash
# Logical backups of Berkeleytime's PostgreSQL database and restores of them.
# The chart's nightly backup (production) and staging refresh CronJobs run it
# from a ConfigMap, and so does the restore runbook (README, "Backups and
# restores"). Needs pg_dump, pg_restore and psql (the official postgres image)
# for dump/restore/counts, and gcloud (the google-cloud-cli image) for
# upload/download.
#
#   database-backup.sh dump DATABASE_URL DIR
#       pg_dump -Fc into DIR/berkeleytime-<UTC time>.dump and, from the same
#       snapshot, every table's row count into DIR/berkeleytime-<UTC time>.counts
#   database-backup.sh upload DIR gs://BUCKET/PREFIX
#       copy DIR's newest dump and its counts to the bucket
#   database-backup.sh download gs://BUCKET/PREFIX DIR
#       copy the bucket's newest dump and its counts into DIR
#   database-backup.sh restore DIR DATABASE_URL
#       replace everything in DATABASE_URL's public schema by DIR's newest dump,
#       in one transaction (nothing changes if any statement fails), then check
#       that every table holds exactly the rows the counts file lists
#   database-backup.sh counts DATABASE_URL
#       print "schema.table<TAB>rows" for every table, sorted
set -euo pipefail

PREFIX=berkeleytime

COUNTS_SQL="
SELECT format('%I.%I', table_schema, table_name) || E'\t' ||
       (xpath('/row/c/text()', query_to_xml(format('SELECT count(*) AS c FROM %I.%I', table_schema, table_name),
                                            false, true, '')))[1]::text
  FROM information_schema.tables
 WHERE table_type = 'BASE TABLE' AND table_schema NOT IN ('pg_catalog', 'information_schema')
 ORDER BY 1;"

say() { echo "database-backup: $*" >&2; }
die() { say "$*"; exit 1; }

psql_() { psql --no-psqlrc --quiet --no-align --tuples-only --set ON_ERROR_STOP=1 "$@"; }

newest() { # newest DIR: the path of DIR's newest dump, without .dump
  local dump
  dump=$(find "$1" -maxdepth 1 -name "$PREFIX-*.dump" | sort | tail -n 1)
  [ -n "$dump" ] || die "no $PREFIX-*.dump in $1"
  echo "${dump%.dump}"
}

counts() {
  psql_ --dbname "$1" --command "$COUNTS_SQL"
}

dump() {
  local url=$1 dir=$2 name snapshot
  mkdir -p "$dir"
  name="$dir/$PREFIX-$(date -u +%Y%m%dT%H%M%SZ)"
  # One repeatable-read transaction exports its snapshot to pg_dump and then
  # counts the rows in that same snapshot: the counts describe the dump exactly,
  # however busy the database is meanwhile.
  coproc SNAPSHOT { psql_ --dbname "$url"; }
  echo "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY; SELECT pg_export_snapshot();" >&"${SNAPSHOT[1]}"
  read -r snapshot <&"${SNAPSHOT[0]}" || die "could not open a snapshot on the database"
  pg_dump --format=custom --no-owner --no-acl --snapshot="$snapshot" --file="$name.dump.partial" --dbname "$url"
  printf '%s\nSELECT %s;\n' "$COUNTS_SQL" "'-- end of counts'" >&"${SNAPSHOT[1]}"
  : >"$name.counts.partial"
  while read -r line <&"${SNAPSHOT[0]}"; do
    [ "$line" = "-- end of counts" ] && break
    [ -n "$line" ] && printf '%s\n' "$line" >>"$name.counts.partial"
  done
  echo "COMMIT;" >&"${SNAPSHOT[1]}"
  exec {SNAPSHOT[1]}>&-
  wait "$SNAPSHOT_PID"
  mv "$name.dump.partial" "$name.dump"
  mv "$name.counts.partial" "$name.counts"
  say "dumped $(wc -l <"$name.counts") tables, $(awk -F'\t' '{s += $2} END {print s + 0}' "$name.counts") rows into $name.dump"
}

upload() {
  local dir=$1 bucket=${2%/} name
  name=$(newest "$dir")
  # the counts go last: a dump without them is never taken for the newest
  gcloud storage cp "$name.dump" "$bucket/"
  gcloud storage cp "$name.counts" "$bucket/"
  say "uploaded $(basename "$name") to $bucket"
}

download() {
  local bucket=${1%/} dir=$2 latest
  mkdir -p "$dir"
  latest=$(gcloud storage ls "$bucket/$PREFIX-*.counts" | sort | tail -n 1)
  [ -n "$latest" ] || die "no $PREFIX-*.counts in $bucket"
  gcloud storage cp "${latest%.counts}.dump" "$latest" "$dir/"
  say "downloaded $(basename "${latest%.counts}") from $bucket"
}

restore() {
  local dir=$1 url=$2 name
  name=$(newest "$dir")
  [ -f "$name.counts" ] || die "$name.counts is missing: the backup is incomplete"
  say "restoring $(basename "$name") over the database"
  # Dropping the schema first removes tables the backup does not have (a
  # migration staging applied and production has not), so the database ends
  # up exactly as the backup was. It all happens in one transaction, committed
  # only once pg_restore has read the whole dump: a failed statement or a
  # damaged dump leaves psql without the COMMIT, and the database unchanged.
  {
    echo "BEGIN;"
    echo "DROP SCHEMA IF EXISTS public CASCADE;"
    echo "CREATE SCHEMA public;"
    pg_restore --clean --if-exists --no-owner --no-acl --file=- "$name.dump" && echo "COMMIT;"
  } | psql_ --dbname "$url" --file=- >/dev/null
  if ! diff <(sort "$name.counts") <(counts "$url" | sort) >&2; then
    die "row counts after the restore differ from $(basename "$name").counts (above: < backup, > restored)"
  fi
  say "restored $(wc -l <"$name.counts") tables; every row count matches the backup"
}

command=${1:-}
case "$command" in
  dump) [ "$#" -eq 3 ] || die "usage: $0 dump DATABASE_URL DIR"; dump "$2" "$3" ;;
  upload) [ "$#" -eq 3 ] || die "usage: $0 upload DIR gs://BUCKET/PREFIX"; upload "$2" "$3" ;;
  download) [ "$#" -eq 3 ] || die "usage: $0 download gs://BUCKET/PREFIX DIR"; download "$2" "$3" ;;
  restore) [ "$#" -eq 3 ] || die "usage: $0 restore DIR DATABASE_URL"; restore "$2" "$3" ;;
  counts) [ "$#" -eq 2 ] || die "usage: $0 counts DATABASE_URL"; counts "$2" ;;
  *) die "usage: $0 dump|upload|download|restore|counts ... (see the comments at the top)" ;;
esac
