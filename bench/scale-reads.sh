#!/usr/bin/env bash
# The read API's two statements that used to grow with the archive (sql/api/sessions.sql counted every session's
# rows, sql/api/throughput.sql every event of the chart's minutes), measured in PostgreSQL itself on a database
# preloaded with N archived events over 1,000 sessions beside an empty one, before and after the counters of
# V10/V11: the statements of main (from git) on the schema at V9, then V10 + V11 applied (their run time is the
# migration's cost on that archive) and the new statements. Each statement runs 7 times on each database; the
# median of the server's execution time (EXPLAIN ANALYZE) is printed, with bytes per archived event.
# SQL level only: no gateway, no HTTP (the issue's full bench/scale.sh also drives the webhook and every read call).
#
#   flock /tmp/wagateway-bench.lock bench/scale-reads.sh            N = 5,000,000
#   SCALE_EVENTS=1000000 flock /tmp/wagateway-bench.lock bench/scale-reads.sh
# env: SCALE_EVENTS (5000000), SCALE_SESSIONS (1000), SCALE_DAYS (events spread over the last that many days: 7),
#      SCALE_SHARDS (the rollup's shards, the gateway's archive writers: 2),
#      BENCH_PG_HOST (127.0.0.1), BENCH_PG_PORT (5432), BENCH_PG_USER (postgres), SCALE_KEEP (1 = keep the databases)
set -euo pipefail
cd "$(dirname "$0")/.."

events=${SCALE_EVENTS:-5000000}
sessions=${SCALE_SESSIONS:-1000}
days=${SCALE_DAYS:-7}
pg=(psql -X -q -v ON_ERROR_STOP=1 -h "${BENCH_PG_HOST:-127.0.0.1}" -p "${BENCH_PG_PORT:-5432}" -U "${BENCH_PG_USER:-postgres}")
big=wagw_scale_big_$$
empty=wagw_scale_empty_$$
migrations=src/main/resources/db/migration

cleanup() {
  if [[ "${SCALE_KEEP:-0}" != 1 ]]; then
    "${pg[@]}" -d postgres -c "DROP DATABASE IF EXISTS $big" -c "DROP DATABASE IF EXISTS $empty" || true
  fi
}
trap cleanup EXIT

for db in $big $empty; do
  "${pg[@]}" -d postgres -c "CREATE DATABASE $db"
  for v in 1 2 3 4 5 6 7 8 9; do
    "${pg[@]}" -d "$db" -f "$(ls $migrations/common/V${v}__*.sql)"
  done
done

echo "preloading $events events, $(( events / 4 )) messages, $(( events / 100 )) calls over $sessions sessions, last $days days"
start=$(date +%s)
"${pg[@]}" -d $big <<SQL
INSERT INTO wa_sessions (session_id, status, first_seen_at, updated_at)
SELECT 'scale-' || s, 'ready', now() - interval '$days days', now() - (s || ' seconds')::interval
  FROM generate_series(1, $sessions) s;
-- Newest first: event i was received i * (days / N) ago, so the last hour holds N / (24 * days) events.
INSERT INTO wa_events (event_id, session_id, event, format, source_ip, auth_method, received_at, data_json,
                       body_sha256, status, processed_at)
SELECT gen_random_uuid()::text, 'scale-' || (1 + i % $sessions),
       (ARRAY['message', 'message_ack', 'message_create', 'ready', 'change_state', 'call', 'qr', 'loading_screen'])[1 + i % 8],
       'universal', '127.0.0.1', 'hmac', now() - (i * interval '$days days') / $events,
       '{"message":{"id":{"_serialized":"m' || i || '"},"body":"hello from the preload, an ordinary short chat message"}}',
       md5(i::text) || md5((i + 1)::text), 'processed', now()
  FROM generate_series(1, $events) i;
INSERT INTO wa_messages (session_id, message_id, chat_id, from_id, to_id, body, type, msg_timestamp, from_me, has_media,
                         has_quoted_msg, ack, raw_json, created_at, updated_at)
SELECT 'scale-' || (1 + i % $sessions), 'm' || i, '62812' || (i % 500) || '@c.us', '62812' || (i % 500) || '@c.us',
       '62899@c.us', 'hello from the preload', 'chat', extract(epoch FROM now())::bigint - i, i % 2 = 0, false, false, 1,
       '{}', now(), now()
  FROM generate_series(1, $events / 4) i;
INSERT INTO wa_calls (session_id, call_id, from_id, is_video, is_group, call_timestamp, raw_json, received_at)
SELECT 'scale-' || (1 + i % $sessions), 'c' || i, '62812@c.us', false, false, i, '{}', now()
  FROM generate_series(1, $events / 100) i;
VACUUM ANALYZE;
SQL
echo "preload took $(( $(date +%s) - start )) s"
"${pg[@]}" -d $empty -c "VACUUM ANALYZE"
"${pg[@]}" -d $big -At -c "SELECT 'bytes per archived event (table, indexes, TOAST): '
  || pg_total_relation_size('wa_events') / count(*) FROM wa_events"

# The statements as ReadQueries sends them: the console's sessions list (first page of 50), one session, the chart
# for 60 and for 1440 minutes.
median_ms() { # db, statement
  local db=$1 sql=$2 times=()
  for _ in 1 2 3 4 5 6 7; do
    times+=("$("${pg[@]}" -d "$db" -At -c "EXPLAIN (ANALYZE, FORMAT JSON) $sql" \
      | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["Execution Time"])')")
  done
  printf '%s\n' "${times[@]}" | sort -g | sed -n 4p
}
measure() { # label, file of sessions.sql, file of throughput.sql
  local sessions_sql throughput_sql
  sessions_sql=$(grep -v '^\s*--' "$2")
  throughput_sql=$(grep -v '^\s*--' "$3")
  local since60="date_trunc('minute', now() - interval '59 minutes')"
  local since1440="date_trunc('minute', now() - interval '1439 minutes')"
  local -A reads=(
    ["sessions list"]="$sessions_sql ORDER BY s.updated_at DESC, s.session_id LIMIT 50 OFFSET 0"
    ["one session"]="$sessions_sql WHERE s.session_id = 'scale-7'"
    ["throughput 60 min"]="${throughput_sql//\?/$since60}"
    ["throughput 1440 min"]="${throughput_sql//\?/$since1440}"
  )
  for name in "sessions list" "one session" "throughput 60 min" "throughput 1440 min"; do
    printf '%-8s %-22s %10s ms at %s events %10s ms empty\n' "$1" "$name" \
      "$(median_ms $big "${reads[$name]}")" "$events" "$(median_ms $empty "${reads[$name]}")"
  done
}

tmp=$(mktemp -d)
git show main:src/main/resources/sql/api/sessions.sql > "$tmp/sessions.sql"
git show main:src/main/resources/sql/api/throughput.sql > "$tmp/throughput.sql"
measure before "$tmp/sessions.sql" "$tmp/throughput.sql"

for db in $big $empty; do
  start=$(date +%s%N)
  "${pg[@]}" -d $db -1 -f $migrations/common/V10__*.sql -f $migrations/postgresql/V11__*.sql
  echo "V10 + V11 (backfills) on $db: $(( ($(date +%s%N) - start) / 1000000 )) ms"
done
# The backfill put each minute in shard 0; the archive spreads a busy minute over as many shards as it has writers
# (SCALE_SHARDS: 2, the default on 2 cores): measure that.
"${pg[@]}" -d $big -c "TRUNCATE wa_event_minutes" -c "INSERT INTO wa_event_minutes (minute_at, event, shard, events)
  SELECT date_trunc('minute', received_at), event, abs(hashtext(session_id)) % ${SCALE_SHARDS:-2}, count(*) FROM wa_events
   WHERE received_at >= now() - interval '2 days' GROUP BY 1, 2, 3" -c "VACUUM ANALYZE"
measure after src/main/resources/sql/api/sessions.sql src/main/resources/sql/api/throughput.sql
rm -rf "$tmp"
