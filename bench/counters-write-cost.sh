#!/usr/bin/env bash
# What the counters of V10/V11 cost the archive's writes, in PostgreSQL itself: pgbench issues one message event's
# statements in the gateway's order (bench/db-baseline.sql plus the session lock and the previous-event update the
# archive adds) on a database at V9, and the same with this branch's additions (the event count raised in that
# update, the message trigger firing, the throughput rollup's upsert) on one at V11; rounds alternate. Each pgbench
# client plays one archive writer: its own sessions (client + clients x 0..9) and its own rollup shard, as the
# gateway's writers have (one event per transaction, where the gateway batches: the cost per event is an upper bound).
#   flock /tmp/wagateway-bench.lock bench/counters-write-cost.sh [clients = writers 2] [seconds 10] [rounds 3]
set -euo pipefail
cd "$(dirname "$0")/.."
clients=${1:-2}; seconds=${2:-10}; rounds=${3:-3}
conn=(-h "${BENCH_PG_HOST:-127.0.0.1}" -p "${BENCH_PG_PORT:-5432}" -U "${BENCH_PG_USER:-postgres}")
pg=(psql -X -q -v ON_ERROR_STOP=1 "${conn[@]}")
old=wagw_wcost_v9_$$; new=wagw_wcost_v11_$$; tmp=$(mktemp -d)
trap '"${pg[@]}" -d postgres -c "DROP DATABASE IF EXISTS $old" -c "DROP DATABASE IF EXISTS $new"; rm -rf "$tmp"' EXIT
m=src/main/resources/db/migration
for db in $old $new; do
  "${pg[@]}" -d postgres -c "CREATE DATABASE $db"
  for v in 1 2 3 4 5 6 7 8 9; do "${pg[@]}" -d $db -f "$(ls $m/common/V${v}__*.sql)"; done
  "${pg[@]}" -d $db -c "INSERT INTO wa_sessions (session_id, status, first_seen_at, updated_at)
    SELECT 'bench-' || s, 'ready', now(), now() FROM generate_series(0, 10 * $clients - 1) s"
done
"${pg[@]}" -d $new -1 -f $m/common/V10__*.sql -f $m/postgresql/V11__*.sql
# The baseline's transaction, with the session lock first and the previous-event update before the event row.
lock="SELECT last_event_id FROM wa_sessions WHERE session_id = 'bench-' || CAST(:s AS text) FOR UPDATE;"
set_old="UPDATE wa_sessions SET last_event_id = 'x', last_body_sha256 = 'y', last_accepted_at = now() WHERE session_id = 'bench-' || CAST(:s AS text);"
set_new="UPDATE wa_sessions SET last_event_id = 'x', last_body_sha256 = 'y', last_accepted_at = now(), event_count = event_count + 1 WHERE session_id = 'bench-' || CAST(:s AS text);"
minute="INSERT INTO wa_event_minutes (minute_at, event, shard, events) VALUES (date_trunc('minute', now()), 'message', :client_id, 1) ON CONFLICT (minute_at, event, shard) DO UPDATE SET events = wa_event_minutes.events + EXCLUDED.events;"
export WRITER_LINE="\\set s :client_id + $clients * random(0, 9)"
awk -v lock="$lock" -v set="$set_old" '/^\\set s / {print ENVIRON["WRITER_LINE"]; next} /^BEGIN;/ {print; print lock; next} /^INSERT INTO wa_events/ {print set} {print}' bench/db-baseline.sql > "$tmp/old.sql"
awk -v lock="$lock" -v set="$set_new" -v minute="$minute" '/^\\set s / {print ENVIRON["WRITER_LINE"]; next} /^BEGIN;/ {print; print lock; next} /^INSERT INTO wa_events/ {print set} /^COMMIT;/ {print minute} {print}' bench/db-baseline.sql > "$tmp/new.sql"
for r in $(seq 1 "$rounds"); do
  for which in old new; do
    db=$old; [[ $which == new ]] && db=$new
    "${pg[@]}" -d $db -c CHECKPOINT
    # A client that fails (a deadlock, a lost connection) ends pgbench early: show why instead of a figure.
    if ! pgbench "${conn[@]}" -n -M prepared -c "$clients" -j 2 -T "$seconds" -f "$tmp/$which.sql" $db \
        > "$tmp/out" 2> "$tmp/err"; then
      tail -3 "$tmp/err" >&2
    fi
    tps=$(awk '/^tps/ {print int($3)}' "$tmp/out")
    echo "round $r $which: $tps tps"
  done
done
"${pg[@]}" -d $new -At -c "SELECT 'check: event_count ' || sum(event_count) || ', message_count ' || sum(message_count)
  || ', messages ' || (SELECT count(*) FROM wa_messages) || ', rollup ' || (SELECT sum(events) FROM wa_event_minutes)
  FROM wa_sessions"
