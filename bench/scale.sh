#!/usr/bin/env bash
# Day 100 (issue 22): the gateway on a database holding months of archive beside the same gateway on an empty one.
# Preloads N archived events (with N/4 messages and N/100 calls) over 1,000 sessions, spread over the last 35 days,
# in SQL through the gateway's own schema (whatever it is: event ids as VARCHAR(36) or uuid, tables partitioned
# or not), with the session counters and the throughput rollup the gateway keeps; VACUUM ANALYZE; then starts one
# gateway on it and one on an empty database and prints:
#   - the webhook's rate on each, rounds alternated (the order flips every round; a round's two windows are seconds
#     apart: this shared machine's speed moves over minutes), wrk c=64, unique stock events over the same 1,000
#     session ids (bench/webhook-mix.lua), and each round's ratio big / empty;
#   - every read API call of docs/api.md over real HTTP on the big database, after 20 calls each: median of 7;
#   - the rate after SCALE_IDLE seconds idle beside the rate right before it, on each gateway;
#   - bytes per archived event (wa_events' table, indexes and TOAST, all partitions);
#   - retention's run time: a gateway restarted on the big database with a retention that cuts all but the last
#     SCALE_RETENTION_DAYS days (about a month of events), timed by the job's advisory lock held in PostgreSQL.
# Every 200 must have its archived row (checked per gateway at the end); the issue's bars (webhook >= 0.95 of the
# empty database's rate, every read < 50 ms, after idle >= 0.9 of before) are printed met or missed, and a missed
# bar makes the exit status 3.
#
#   flock /tmp/wagateway-bench.lock bench/scale.sh          N = 5,000,000 (~12 GB while it runs, 25-30 min)
#   SCALE_EVENTS=200000 SCALE_IDLE=60 flock /tmp/wagateway-bench.lock bench/scale.sh
#   bench/scale.sh --smoke    seconds, tiny N, no bars: fails only if it cannot run or a 200 has no stored row
#   bench/scale.sh --jar J    an already built jar
# env: SCALE_EVENTS (5000000), SCALE_SESSIONS (1000), SCALE_DAYS (35), SCALE_RETENTION_DAYS (5),
#      SCALE_ROUNDS (3), SCALE_SECONDS (10 per window), SCALE_WARMUP (120 per gateway), SCALE_CONC (64),
#      SCALE_IDLE (300), SCALE_RETENTION_TIMEOUT (600: the retention run is cut off after that, its rate printed),
#      SCALE_KEEP (1 = keep the databases), BENCH_PORT (18800: big, +1 empty, +2 retention), BENCH_PG_*,
#      BENCH_JAVA_OPTS (bench/common.sh)
set -euo pipefail
cd "$(dirname "$0")/.."

source bench/args.sh
bench_options "$@"
events=${SCALE_EVENTS:-5000000}
sessions=${SCALE_SESSIONS:-1000}
days=${SCALE_DAYS:-35}
keep_days=${SCALE_RETENTION_DAYS:-5}
rounds=${SCALE_ROUNDS:-3}
seconds=${SCALE_SECONDS:-10}
warmup=${SCALE_WARMUP:-120}
conc=${SCALE_CONC:-64}
idle=${SCALE_IDLE:-300}
retention_timeout=${SCALE_RETENTION_TIMEOUT:-600}
if [[ $smoke == 1 ]]; then
  events=${SCALE_EVENTS:-5000}; rounds=1; seconds=3; warmup=3; idle=2; retention_timeout=60
fi
export BENCH_PORT=${BENCH_PORT:-18800}
source bench/common.sh
export BENCH_SESSIONS=$sessions BENCH_SESSION_PREFIX=scale-
admin_key=scale-admin-$RANDOM$RANDOM

bench_jar

stamp=$(date +%s)_$$
big=wagw_scale_big_$stamp
empty=wagw_scale_empty_$stamp
work=$(mktemp -d)
declare -A pid_of url_of db_of
db_of[big]=$big; db_of[empty]=$empty; db_of[retention]=$big
port_of() { case $1 in big) echo "$port" ;; empty) echo $(( port + 1 )) ;; *) echo $(( port + 2 )) ;; esac; }
cleanup() {
  for g in "${!pid_of[@]}"; do kill "${pid_of[$g]}" 2>/dev/null && wait "${pid_of[$g]}" 2>/dev/null || true; done
  if [[ ${SCALE_KEEP:-0} != 1 ]]; then
    for d in $big $empty; do $psql -d postgres -c "DROP DATABASE IF EXISTS $d WITH (FORCE)" >/dev/null 2>&1 || true; done
  fi
  rm -rf "$work"
}
trap cleanup EXIT
q() { $psql -d "$1" -v ON_ERROR_STOP=1 -Atc "$2"; }

launch() { # name [gateway arguments]: the gateway on its database and port, answering
  local g=$1 p; shift
  p=$(port_of "$g")
  url_of[$g]="http://127.0.0.1:$p"
  mkdir -p "$work/$g"; touch "$work/$g/accepted"
  DATABASE_URL="postgresql://$pg_user@$pg_host:$pg_port/${db_of[$g]}" \
  WHATSAPP_WEBHOOK_SECRET=$secret \
  RATE_LIMIT_TRUSTED_SENDERS=127.0.0.1/32 RATE_LIMIT_TRUSTED_PER_MINUTE=1000000000 \
  DATA_DIR=$work/$g/data MEDIA_DIR=$work/$g/media \
    java ${BENCH_JAVA_OPTS:-} -jar "$jar" --server.port="$p" --logging.level.root=WARN \
      --gateway.api.admin-key="$admin_key" "$@" > "$work/$g/gateway.log" 2>&1 &
  pid_of[$g]=$!
}
stop() { kill "${pid_of[$1]}" && wait "${pid_of[$1]}" 2>/dev/null || true; unset "pid_of[$1]"; }
up() { await_up "${url_of[$1]}/api/whatsapp/webhook" "${pid_of[$1]}" "$work/$1/gateway.log" "${BENCH_START_SECONDS:-120}"; }

# The schema is the gateway's own: both databases are migrated by starting a gateway on them (Flyway).
for d in $big $empty; do $psql -d postgres -c "CREATE DATABASE $d" >/dev/null; done
launch big; launch empty; up big; up empty; stop big

echo "preloading $events events, $(( events / 4 )) messages, $(( events / 100 )) calls over $sessions sessions, last $days days" >&2
id_type=$(q $big "SELECT data_type FROM information_schema.columns WHERE table_name = 'wa_events' AND column_name = 'event_id'")
id_cast="::uuid"; [[ $id_type != uuid ]] && id_cast="::uuid::text"
partitioned=$(q $big "SELECT string_agg(relname, ' ') FROM pg_class WHERE relkind = 'p' AND relname IN ('wa_events', 'wa_messages', 'wa_calls')")
echo "event_id: $id_type; partitioned: ${partitioned:-none}" >&2
# An archived message event's data as the gateway stores it (the sample's "data"), about 1.3 kB.
python3 -c 'import json,sys; print(json.dumps(json.load(open(sys.argv[1]))["data"], ensure_ascii=False, separators=(",", ":")))' \
  "$BENCH_SAMPLES/message.json" > "$work/data.json"
start=$SECONDS
$psql -d $big -v ON_ERROR_STOP=1 -v data="$(cat "$work/data.json")" <<SQL
-- The counters (message_count, call_count) are set from the tables below in one statement each, not by V11's
-- row triggers one update per row.
SET session_replication_role = replica;
SET statement_timeout = 0;
-- A partitioned wa_events holds the preload's months in month partitions, as the gateway's own job makes them
-- (wa_events_pYYYYMM: retention drops those whole), as a database some months old has them. On a fresh database
-- V17 leaves an empty wa_events_legacy covering everything before next month: it is attached again with its
-- bound moved back to the preload's first month, and the months from there to the ones V17 made are created.
DO \$\$
DECLARE first_month timestamp := date_trunc('month', (now() - interval '$days days' - interval '1 day') AT TIME ZONE 'UTC');
        m timestamp;
BEGIN
  IF to_regclass('wa_events_legacy') IS NOT NULL AND NOT EXISTS (SELECT 1 FROM wa_events_legacy) THEN
    ALTER TABLE wa_events DETACH PARTITION wa_events_legacy;
    EXECUTE format('ALTER TABLE wa_events ATTACH PARTITION wa_events_legacy FOR VALUES FROM (MINVALUE) TO (%L)',
                   first_month AT TIME ZONE 'UTC');
    m := first_month;
    WHILE to_regclass('wa_events_p' || to_char(m, 'YYYYMM')) IS NULL AND m < now() AT TIME ZONE 'UTC' + interval '1 month' LOOP
      EXECUTE format('CREATE TABLE %I PARTITION OF wa_events FOR VALUES FROM (%L) TO (%L)',
                     'wa_events_p' || to_char(m, 'YYYYMM'), m AT TIME ZONE 'UTC', (m + interval '1 month') AT TIME ZONE 'UTC');
      m := m + interval '1 month';
    END LOOP;
  END IF;
END \$\$;
-- Any other partitioned table (by time) gets daily partitions for the preload's days that none of its own covers.
DO \$\$
DECLARE t text; d date;
BEGIN
  FOREACH t IN ARRAY string_to_array('${partitioned}', ' ') LOOP
    FOR d IN SELECT generate_series(current_date - ($days + 1), current_date + 1, interval '1 day')::date LOOP
      BEGIN
        EXECUTE format('CREATE TABLE %I PARTITION OF %I FOR VALUES FROM (%L) TO (%L)',
                       t || '_scale_' || to_char(d, 'YYYYMMDD'), t, d, d + 1);
      EXCEPTION WHEN invalid_object_definition THEN NULL; -- the gateway's own partition covers that day
      END;
    END LOOP;
  END LOOP;
END \$\$;
INSERT INTO wa_sessions (session_id, status, first_seen_at, updated_at)
SELECT 'scale-' || (s - 1), 'ready', now() - interval '$days days', now() - (s || ' seconds')::interval
  FROM generate_series(1, $sessions) s;
-- Newest first: event i was received i * (days / N) ago. Ids are time-ordered (UUIDv7's layout: the received
-- time's milliseconds, then random bits), as the gateway makes them.
INSERT INTO wa_events (event_id, session_id, event, format, source_ip, auth_method, received_at, data_json,
                       body_sha256, delivery_id, status, error, processed_at)
SELECT (lpad(to_hex((extract(epoch FROM t.at) * 1000)::bigint), 12, '0') || '7' || substr(h, 1, 3) || '8'
        || substr(h, 4, 15))$id_cast,
       'scale-' || (i % $sessions),
       (ARRAY['message', 'message_ack', 'message_create', 'ready', 'change_state', 'call', 'message', 'message_create'])[1 + i % 8],
       'whatsapp-api', '127.0.0.1', 'hmac', t.at, replace(:'data', '3EB0C767D71D3A5F0A1B', 'P' || i),
       md5(i::text) || md5((i + 1)::text), 'preload-' || i,
       CASE WHEN i % 10000 = 0 THEN 'failed' ELSE 'processed' END,
       CASE WHEN i % 10000 = 0 THEN 'route failed' END, t.at
  FROM generate_series(1, $events) i,
       LATERAL (SELECT now() - (i * interval '$days days') / $events AS at, md5('e' || i) AS h) t;
INSERT INTO wa_messages (session_id, message_id, chat_id, from_id, to_id, body, type, msg_timestamp, from_me, has_media,
                         has_quoted_msg, ack, raw_json, created_at, updated_at)
SELECT 'scale-' || (i % $sessions), 'false_62812' || (i % 500) || '@c.us_P' || i, '62812' || (i % 500) || '@c.us',
       '62812' || (i % 500) || '@c.us', '62899@c.us', 'Halo, apakah pesanan saya sudah dikirim?', 'chat',
       extract(epoch FROM t.at)::bigint, i % 2 = 0, false, false, 1, replace(:'data', '3EB0C767D71D3A5F0A1B', 'P' || i),
       t.at, t.at
  FROM generate_series(1, $events / 4) i,
       LATERAL (SELECT now() - (i * interval '$days days') / ($events / 4) AS at) t;
INSERT INTO wa_calls (session_id, call_id, from_id, is_video, is_group, call_timestamp, raw_json, received_at)
SELECT 'scale-' || (i % $sessions), 'c' || i, '62812@c.us', false, false,
       extract(epoch FROM t.at)::bigint, '{}', t.at
  FROM generate_series(1, $events / 100) i,
       LATERAL (SELECT now() - (i * interval '$days days') / ($events / 100) AS at) t;
UPDATE wa_sessions s SET event_count = c.n FROM (SELECT session_id, count(*) n FROM wa_events GROUP BY 1) c
 WHERE c.session_id = s.session_id;
UPDATE wa_sessions s SET message_count = c.n FROM (SELECT session_id, count(*) n FROM wa_messages GROUP BY 1) c
 WHERE c.session_id = s.session_id;
UPDATE wa_sessions s SET call_count = c.n FROM (SELECT session_id, count(*) n FROM wa_calls GROUP BY 1) c
 WHERE c.session_id = s.session_id;
-- The rollup the chart reads, for the two days it keeps, spread over 2 shards as 2 archive writers make it.
INSERT INTO wa_event_minutes (minute_at, event, shard, events)
SELECT date_trunc('minute', received_at), event, abs(hashtext(session_id)) % 2, count(*) FROM wa_events
 WHERE received_at >= now() - interval '2 days' GROUP BY 1, 2, 3;
SQL
echo "preload: $(( SECONDS - start )) s" >&2
start=$SECONDS
$psql -d $big -c "VACUUM ANALYZE" >/dev/null
$psql -d $empty -c "VACUUM ANALYZE" >/dev/null
$psql -d $big -c CHECKPOINT >/dev/null
echo "vacuum analyze: $(( SECONDS - start )) s" >&2
preloaded=$(q $big "SELECT count(*) FROM wa_events")
[[ $preloaded == "$events" ]] || { echo "preloaded $preloaded events, not $events" >&2; exit 1; }
db_bytes=$(q $big "SELECT pg_database_size(current_database())")
launch big; up big

drive() { # gateway seconds -> req/s; its new events answered 200 are added up in $work/<gateway>/accepted
  local out
  out=$(wrk_run "$conc" "$2" /api/whatsapp/webhook "${url_of[$1]}")
  awk '$1 == "STATUS" && $2 == 200 {ok = $3} $1 == "STATUS" && $2 == 299 {dup = $3} END {print ok - dup}' \
    <<< "$out" >> "$work/$1/accepted"
  awk '/^Requests\/sec/ {print $2}' <<< "$out"
}
accepted() { awk '{n += $1} END {print n + 0}' "$work/$1/accepted"; }
ratio() { python3 -c "import sys; a, b = float(sys.argv[1]), float(sys.argv[2]); print(f'{a / b:.2f}' if b else 'n/a')" "$1" "$2"; }

echo "warming up ${warmup}s per gateway, in turns of up to 30 s ..." >&2
slice=$(( warmup < 30 ? warmup : 30 ))
for (( done_s = 0; done_s < warmup; done_s += slice )); do
  for g in big empty; do drive $g $slice >/dev/null; done
done

echo
echo "== webhook at $events archived events against an empty database (wrk c=$conc, ${seconds}s windows, $sessions sessions)"
printf 'round\tbig req/s\tempty req/s\tbig / empty\n'
ratios=()
for r in $(seq 1 "$rounds"); do
  order=(big empty); (( r % 2 == 0 )) && order=(empty big)
  declare -A rate
  for g in "${order[@]}"; do
    $psql -d "${db_of[$g]}" -c CHECKPOINT >/dev/null 2>&1 || true
    rate[$g]=$(drive "$g" "$seconds")
  done
  ratios+=("$(ratio "${rate[big]}" "${rate[empty]}")")
  printf '%s\t%s\t%s\t%s\n' "$r" "${rate[big]}" "${rate[empty]}" "${ratios[-1]}"
done
webhook_ratio=$(printf '%s\n' "${ratios[@]}" | sort -g | awk '{a[NR] = $1} END {print NR % 2 ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2}')
echo "median big / empty: $webhook_ratio"

echo
echo "== read API on the big database (median of 7 over HTTP, after $(( smoke ? 2 : 20 )) warm-up calls each; ms)"
session=scale-7
message=$(q $big "SELECT message_id FROM wa_messages WHERE session_id = '$session' ORDER BY msg_timestamp LIMIT 1")
chat=$(q $big "SELECT chat_id FROM wa_messages WHERE session_id = '$session' LIMIT 1")
event_id=$(q $big "SELECT event_id FROM wa_events WHERE session_id = '$session' AND received_at < now() - interval '1 day' ORDER BY received_at DESC LIMIT 1")
week=$(date -u -d '7 days ago' +%Y-%m-%dT%H:%M:%SZ)
week1=$(date -u -d '6 days ago' +%Y-%m-%dT%H:%M:%SZ)
enc() { python3 -c 'import sys, urllib.parse; print(urllib.parse.quote(sys.argv[1], safe=""))' "$1"; }
reads=(
  "/api/whatsapp/sessions"
  "/api/whatsapp/sessions?offset=950"
  "/api/whatsapp/sessions/$session"
  "/api/whatsapp/sessions/$session/qr"
  "/api/whatsapp/sessions/$session/qr.png"
  "/api/whatsapp/sessions/$session/messages"
  "/api/whatsapp/sessions/$session/messages?chat=$(enc "$chat")"
  "/api/whatsapp/sessions/$session/messages?since=$week&fromMe=false"
  "/api/whatsapp/messages/$(enc "$message")"
  "/api/whatsapp/media/$(printf 'ab%.0s' {1..32})"
  "/api/whatsapp/events"
  "/api/whatsapp/events?session=$session"
  "/api/whatsapp/events?event=call"
  "/api/whatsapp/events?status=failed"
  "/api/whatsapp/events?source=cloud"
  "/api/whatsapp/events?since=$week&until=$week1"
  "/api/whatsapp/events?session=$session&event=ready&since=$week"
  "/api/whatsapp/events/$event_id"
  "/api/whatsapp/outputs"
  "/api/whatsapp/throughput?minutes=60"
  "/api/whatsapp/throughput?minutes=1440"
)
call() { curl -s -o /dev/null -w '%{http_code} %{time_total}\n' -H "Authorization: Bearer $admin_key" "${url_of[big]}$1"; }
warm_calls=20; [[ $smoke == 1 ]] && warm_calls=2
for p in "${reads[@]}"; do for _ in $(seq 1 $warm_calls); do call "$p" >/dev/null; done; done
slowest=0
printf 'status\tms\tcall\n'
for p in "${reads[@]}"; do
  for _ in 1 2 3 4 5 6 7; do call "$p"; done > "$work/times"
  ms=$(awk '{print $2 * 1000}' "$work/times" | sort -g | sed -n 4p)
  printf '%s\t%.1f\t%s\n' "$(awk '{print $1}' "$work/times" | sort -u | paste -sd/)" "$ms" "$p"
  slowest=$(python3 -c "print(max($slowest, $ms))")
done
echo "slowest read: $slowest ms"

echo
echo "== after ${idle}s idle (both gateways idle meanwhile)"
declare -A before
for g in big empty; do before[$g]=$(drive $g "$seconds"); echo "$g before: ${before[$g]} req/s"; done
sleep "$idle"
declare -A after
for g in big empty; do
  after[$g]=$(drive $g "$seconds")
  echo "$g after: ${after[$g]} req/s, $(ratio "${after[$g]}" "${before[$g]}") of before"
done
second=$(drive big "$seconds")
echo "big, the window after that: $second req/s, $(ratio "$second" "${before[big]}") of before"
idle_ratio=$(ratio "${after[big]}" "${before[big]}")

echo
echo "== archive size"
# A partitioned wa_events is the sum of its leaves (the parent holds nothing); a plain one is itself.
read -r rows bytes < <(q $big "SELECT (SELECT count(*) FROM wa_events), COALESCE((SELECT sum(pg_total_relation_size(relid))
                                FROM pg_partition_tree('wa_events') WHERE isleaf), pg_total_relation_size('wa_events'))" | tr '|' ' ')
echo "bytes per archived event (wa_events: table, indexes, TOAST): $(( bytes / rows )) ($rows events, $(( bytes / 1048576 )) MB)"
echo "database after the preload: $(( db_bytes / 1048576 )) MB, $(( db_bytes / events )) bytes per archived event"
missing=0
for g in big empty; do
  stored=$(( $(q "${db_of[$g]}" "SELECT count(*) FROM wa_events") - $([[ $g == big ]] && echo "$preloaded" || echo 0) ))
  echo "$g: $(accepted $g) new events answered 200, $stored rows stored"
  (( stored < $(accepted $g) )) && { echo "MISMATCH on $g: a 200 without its row"; missing=1; }
done
stop empty

echo
echo "== retention on the big database: keep $keep_days of $days days"
stop big
cutoff_rows=$(q $big "SELECT count(*) FROM wa_events WHERE received_at < now() - interval '$keep_days days'")
counted=$(q $big "SELECT sum(event_count) FROM wa_sessions")
# The job holds its advisory lock (store.JobLock: namespace 0x57414757, CRC32 of the job's name) while it runs.
lock_held="SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND classid = 1463895895 AND objid = 2615810453
             AND database = (SELECT oid FROM pg_database WHERE datname = current_database())"
launch retention --gateway.retention.archive-days="$keep_days" --gateway.retention.initial-delay=5s \
  --gateway.retention.vacuum=false --logging.level.dev.wagateway.store=INFO
up retention
deadline=$(( SECONDS + 120 ))
until [[ $(q $big "$lock_held") -gt 0 ]]; do
  (( SECONDS > deadline )) && { cat "$work/retention/gateway.log"; echo "retention never started" >&2; exit 1; }
  sleep 0.05
done
t0=$(date +%s.%N)
finished=1
while [[ $(q $big "$lock_held") -gt 0 ]]; do
  if python3 -c "import sys; sys.exit(0 if $(date +%s.%N) - $t0 > $retention_timeout else 1)"; then finished=0; break; fi
  sleep 0.05
done
t1=$(date +%s.%N)
deleted=$(( counted - $(q $big "SELECT sum(event_count) FROM wa_sessions") ))
took=$(python3 -c "print(f'{$t1 - $t0:.1f}')")
if [[ $finished == 1 ]]; then
  echo "retention: $deleted of $cutoff_rows events older than $keep_days days deleted in $took s"
else
  echo "retention: still running after $took s: $deleted of $cutoff_rows events deleted," \
       "$(python3 -c "print(f'{$deleted / $took:.0f} a second; the whole cut at that rate: {$cutoff_rows / max($deleted, 1) * $took:.0f} s')")"
fi
grep -h "retention" "$work/retention/gateway.log" | tail -n 2 || true
stop retention

echo
if [[ $smoke == 1 ]]; then
  exit $missing
fi
echo "== against issue 22's bars"
met() { python3 -c "import sys; print('met' if $1 else 'MISSED')"; }
printf 'webhook at %s events >= 0.95 of the empty database: %s (%s)\n' "$events" "$webhook_ratio" "$(met "$webhook_ratio >= 0.95")"
printf 'every read < 50 ms: slowest %s ms (%s)\n' "$slowest" "$(met "$slowest < 50")"
printf 'after %ss idle >= 0.9 of before: %s (%s)\n' "$idle" "$idle_ratio" "$(met "$idle_ratio >= 0.9")"
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg); jar: $jar ($(git rev-parse --short HEAD))"
(( missing )) && exit 1
python3 -c "import sys; sys.exit(0 if $webhook_ratio >= 0.95 and $slowest < 50 and $idle_ratio >= 0.9 else 3)"
