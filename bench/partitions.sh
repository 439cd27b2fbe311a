#!/usr/bin/env bash
# The partitioned archive (issue 22, V17) in figures (docs/performance.md, "The archive by month"):
#   1. what V17 costs: a database at V16 with N archived events (the gateway's Flyway took it to V16), migrated by
#      the gateway's own Flyway to V17; its reported execution time beside the same migration of an empty V16
#      database, in the same run;
#   2. retention of a month: the same M events once in a month partition wholly past retention (dropped whole) and
#      once in wa_events_legacy (deleted in batches, as before V17), each on a database of its own laid out alike
#      (legacy up to two months ago, then a partition per month), each run by a gateway started with
#      ARCHIVE_RETENTION_DAYS=1 and timed by the job's advisory lock held in PostgreSQL; the ratio of the two.
# Every event carries the stock message's data (about 1.3 kB), over 1,000 sessions, their counts set as the gateway
# keeps them; afterwards the counts must equal the rows left, or the run fails.
#
#   flock /tmp/wagateway-bench.lock bench/partitions.sh [--jar J]     N = 1,000,000, M = 300,000 (~10 min)
#   bench/partitions.sh --smoke                                        seconds, tiny N and M
# env: PART_EVENTS (1000000), PART_MONTH_EVENTS (300000), PART_SESSIONS (1000), PART_RETENTION_TIMEOUT (900),
#      BENCH_PORT (18900), BENCH_PG_HOST/PORT/USER (127.0.0.1, 5432, postgres), BENCH_JAVA_OPTS
set -euo pipefail
cd "$(dirname "$0")/.."

source bench/args.sh
bench_options "$@"
events=${PART_EVENTS:-1000000}
month_events=${PART_MONTH_EVENTS:-300000}
sessions=${PART_SESSIONS:-1000}
timeout=${PART_RETENTION_TIMEOUT:-900}
if [[ $smoke == 1 ]]; then events=${PART_EVENTS:-5000}; month_events=${PART_MONTH_EVENTS:-3000}; fi
port=${BENCH_PORT:-18900}
psql="psql -q -X -h $pg_host -p $pg_port -U $pg_user"
q() { $psql -d "$1" -v ON_ERROR_STOP=1 -Atc "$2"; }

bench_jar

stamp=$(date +%s)_$$
dbs=(wagw_part_mig_empty_$stamp wagw_part_mig_big_$stamp wagw_part_ret_drop_$stamp wagw_part_ret_rows_$stamp)
start_seconds=${BENCH_START_SECONDS:-180}
bench_scratch

python3 -c 'import json,sys; print(json.dumps(json.load(open(sys.argv[1]))["data"], ensure_ascii=False, separators=(",", ":")))' \
  src/test/resources/samples/message.json > "$work/data.json"

preload() { # database count first-instant last-instant: events spread evenly between them, sessions and their counts
  $psql -d "$1" -v ON_ERROR_STOP=1 -v data="$(cat "$work/data.json")" <<SQL
SET statement_timeout = 0;
INSERT INTO wa_sessions (session_id, status, first_seen_at, updated_at)
SELECT 'part-' || (s - 1), 'ready', now(), now() FROM generate_series(1, $sessions) s ON CONFLICT DO NOTHING;
INSERT INTO wa_events (event_id, session_id, event, format, source_ip, auth_method, received_at, data_json,
                       body_sha256, delivery_id, status, error, processed_at)
SELECT (md5('$1' || i))::uuid, 'part-' || (i % $sessions),
       (ARRAY['message', 'message_ack', 'message_create', 'ready', 'change_state', 'call', 'message', 'message_create'])[1 + i % 8],
       'whatsapp-api', '127.0.0.1', 'hmac', t.at, replace(:'data', '3EB0C767D71D3A5F0A1B', 'P' || i),
       md5(i::text) || md5((i + 1)::text), 'preload-' || i, 'processed', NULL, t.at
  FROM generate_series(1, $2) i,
       LATERAL (SELECT timestamptz '$3' + (timestamptz '$4' - timestamptz '$3') * (i - 1) / $2 AS at) t;
UPDATE wa_sessions s SET event_count = c.n FROM (SELECT session_id, count(*) n FROM wa_events GROUP BY 1) c
 WHERE c.session_id = s.session_id;
VACUUM ANALYZE;
CHECKPOINT;
SQL
}

flyway_time() { # log -> the execution time Flyway reported for V17, in seconds
  grep -o 'now at version v17 (execution time [0-9:.]*s)' "$1" | grep -o '[0-9][0-9:.]*s' \
    | python3 -c 'import sys; m, s = sys.stdin.read().strip().rstrip("s").split(":"); print(f"{int(m) * 60 + float(s):.2f}")'
}

echo "== 1. V17 on a database at V16: empty, and with $events archived events"
for d in "${dbs[0]}" "${dbs[1]}"; do
  $psql -d postgres -c "CREATE DATABASE $d" >/dev/null
  gateway "$d" "$work/v16.log" --spring.flyway.target=16; stop
done
start=$SECONDS
preload "${dbs[1]}" "$events" "$(date -u -d '-35 days' '+%F %T+00')" "$(date -u '+%F %T+00')"
echo "preload: $(( SECONDS - start )) s, wa_events $(( $(q "${dbs[1]}" "SELECT pg_total_relation_size('wa_events')") / 1048576 )) MB"
declare -A took
for d in "${dbs[0]}" "${dbs[1]}"; do
  # V17 alone: Flyway reports one time for every migration it applies in a start, and V18 follows V17.
  gateway "$d" "$work/$d.log" --spring.flyway.target=17; stop
  took[$d]=$(flyway_time "$work/$d.log")
done
[[ $(q "${dbs[1]}" "SELECT count(*) FROM wa_events") == "$events" ]] || { echo "rows lost by V17" >&2; exit 1; }
[[ $(q "${dbs[1]}" "SELECT sum(event_count) FROM wa_sessions") == "$events" ]] || { echo "counts off after V17" >&2; exit 1; }
echo "V17, empty database: ${took[${dbs[0]}]} s"
echo "V17, $events events: ${took[${dbs[1]}]} s ($(q "${dbs[1]}" "SELECT relname FROM pg_class WHERE relkind = 'p'") partitioned; all rows in wa_events_legacy: $(q "${dbs[1]}" "SELECT count(*) FROM wa_events_legacy"))"

echo
echo "== 2. retention of a month of $month_events events: a partition dropped against rows deleted in batches"
m0=$(date -u '+%Y-%m-01')
month() { date -u -d "$m0 $1 month" '+%Y-%m-01'; }
for d in "${dbs[2]}" "${dbs[3]}"; do
  $psql -d postgres -c "CREATE DATABASE $d" >/dev/null
  gateway "$d" "$work/migrate.log"; stop
  # Laid out as months after V17 make it: legacy up to two months ago, then one partition per month.
  $psql -d "$d" -v ON_ERROR_STOP=1 <<SQL
ALTER TABLE wa_events DETACH PARTITION wa_events_legacy;
DROP TABLE wa_events_legacy;
CREATE TABLE wa_events_legacy PARTITION OF wa_events FOR VALUES FROM (MINVALUE) TO ('$(month -2) 00:00+00');
CREATE TABLE wa_events_p$(date -u -d "$(month -2)" +%Y%m) PARTITION OF wa_events
  FOR VALUES FROM ('$(month -2) 00:00+00') TO ('$(month -1) 00:00+00');
CREATE TABLE wa_events_p$(date -u -d "$(month -1)" +%Y%m) PARTITION OF wa_events
  FOR VALUES FROM ('$(month -1) 00:00+00') TO ('$m0 00:00+00');
CREATE TABLE wa_events_p$(date -u -d "$m0" +%Y%m) PARTITION OF wa_events
  FOR VALUES FROM ('$m0 00:00+00') TO ('$(month 1) 00:00+00');
SQL
done
# The same month of events: two months ago (its own partition) on one, three months ago (legacy) on the other.
preload "${dbs[2]}" "$month_events" "$(month -2) 00:00+00" "$(month -1) 00:00+00"
preload "${dbs[3]}" "$month_events" "$(month -3) 00:00+00" "$(month -2) 00:00+00"
# The job holds its advisory lock (store.JobLock: namespace 0x57414757, CRC32 of "archive-retention") while it runs.
lock_held="SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND classid = 1463895895 AND objid = 2615810453
             AND database = (SELECT oid FROM pg_database WHERE datname = current_database())"
declare -A ret
for d in "${dbs[2]}" "${dbs[3]}"; do
  gateway "$d" "$work/$d.log" --gateway.retention.archive-days=1 --gateway.retention.initial-delay=3s \
    --gateway.retention.vacuum=false
  deadline=$(( SECONDS + 120 ))
  until [[ $(q "$d" "$lock_held") -gt 0 ]]; do
    (( SECONDS > deadline )) && { cat "$work/$d.log"; echo "retention never started" >&2; exit 1; }
    sleep 0.02
  done
  t0=$(date +%s.%N)
  while [[ $(q "$d" "$lock_held") -gt 0 ]]; do
    python3 -c "import sys; sys.exit(0 if $(date +%s.%N) - $t0 > $timeout else 1)" && { echo "retention still running after $timeout s" >&2; exit 1; }
    sleep 0.02
  done
  t1=$(date +%s.%N)
  stop
  ret[$d]=$(python3 -c "print(f'{$t1 - $t0:.2f}')")
  left=$(q "$d" "SELECT count(*) FROM wa_events"); counted=$(q "$d" "SELECT sum(event_count) FROM wa_sessions")
  [[ $left == 0 && $counted == 0 ]] || { echo "$d: $left events left, counts say $counted" >&2; exit 1; }
  grep -h "retention:" "$work/$d.log" | sed 's/^.*retention:/  retention:/' | head -n 3
done
echo "by dropping the month's partition: ${ret[${dbs[2]}]} s"
echo "by deleting its rows in batches (wa_events_legacy, as before V17): ${ret[${dbs[3]}]} s"
echo "drop / row deletes: $(python3 -c "print(f'{${ret[${dbs[2]}]} / ${ret[${dbs[3]}]}:.4f}')")"
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg); jar: $jar ($(git rev-parse --short HEAD))"
