#!/usr/bin/env bash
# What the counters of V10/V11 cost the archive's writes, in PostgreSQL itself: pgbench issues one message event's
# statements in the gateway's order (bench/db-baseline.sql plus the session lock and the previous-event update the
# archive adds) on a database at V9, and the same with this branch's additions (the event count raised in that
# update, the message trigger firing, the throughput rollup's upsert) on one at V11; rounds alternate.
#   flock /tmp/wagateway-bench.lock bench/counters-write-cost.sh [clients 8] [seconds 10] [rounds 3]
set -euo pipefail
cd "$(dirname "$0")/.."
clients=${1:-8}; seconds=${2:-10}; rounds=${3:-3}
conn=(-h "${BENCH_PG_HOST:-127.0.0.1}" -p "${BENCH_PG_PORT:-5432}" -U "${BENCH_PG_USER:-postgres}")
pg=(psql -X -q -v ON_ERROR_STOP=1 "${conn[@]}")
old=wagw_wcost_v9_$$; new=wagw_wcost_v11_$$; tmp=$(mktemp -d)
trap '"${pg[@]}" -d postgres -c "DROP DATABASE IF EXISTS $old" -c "DROP DATABASE IF EXISTS $new"; rm -rf "$tmp"' EXIT
m=src/main/resources/db/migration
for db in $old $new; do
  "${pg[@]}" -d postgres -c "CREATE DATABASE $db"
  for v in 1 2 3 4 5 6 7 8 9; do "${pg[@]}" -d $db -f "$(ls $m/common/V${v}__*.sql)"; done
  "${pg[@]}" -d $db -c "INSERT INTO wa_sessions (session_id, status, first_seen_at, updated_at)
    SELECT 'bench-' || s, 'ready', now(), now() FROM generate_series(0, 19) s"
done
"${pg[@]}" -d $new -f $m/common/V10__*.sql -f $m/postgresql/V11__*.sql
# The baseline's transaction, with the session lock first and the previous-event update before the event row.
lock="SELECT last_event_id FROM wa_sessions WHERE session_id = 'bench-' || CAST(:s AS text) FOR UPDATE;"
set_old="UPDATE wa_sessions SET last_event_id = 'x', last_body_sha256 = 'y', last_accepted_at = now() WHERE session_id = 'bench-' || CAST(:s AS text);"
set_new="UPDATE wa_sessions SET last_event_id = 'x', last_body_sha256 = 'y', last_accepted_at = now(), event_count = event_count + 1 WHERE session_id = 'bench-' || CAST(:s AS text);"
minute="INSERT INTO wa_event_minutes (minute_at, event, shard, events) VALUES (date_trunc('minute', now()), 'message', :s % 2, 1) ON CONFLICT (minute_at, event, shard) DO UPDATE SET events = wa_event_minutes.events + EXCLUDED.events;"
awk -v lock="$lock" -v set="$set_old" '/^BEGIN;/ {print; print lock; next} /^INSERT INTO wa_events/ {print set} {print}' bench/db-baseline.sql > "$tmp/old.sql"
awk -v lock="$lock" -v set="$set_new" -v minute="$minute" '/^BEGIN;/ {print; print lock; next} /^INSERT INTO wa_events/ {print set} /^COMMIT;/ {print minute} {print}' bench/db-baseline.sql > "$tmp/new.sql"
for r in $(seq 1 "$rounds"); do
  for which in old new; do
    db=$old; [[ $which == new ]] && db=$new
    "${pg[@]}" -d $db -c CHECKPOINT
    tps=$(pgbench "${conn[@]}" -n -M prepared -c "$clients" -j 2 -T "$seconds" -f "$tmp/$which.sql" $db 2>/dev/null \
      | awk '/^tps/ {print int($3)}')
    echo "round $r $which: $tps tps"
  done
done
"${pg[@]}" -d $new -At -c "SELECT 'check: event_count ' || sum(event_count) || ', message_count ' || sum(message_count)
  || ', messages ' || (SELECT count(*) FROM wa_messages) || ', rollup ' || (SELECT sum(events) FROM wa_event_minutes)
  FROM wa_sessions"
