#!/usr/bin/env bash
# Event ids as uuid (issue 22, V19) in figures (docs/performance.md, "Event ids as uuid"):
#   1. what V19 costs: a database at V18 with N archived events (the gateway's Flyway took it to V18), migrated by
#      the gateway's own Flyway to V19; its reported execution time beside the same migration of an empty V18
#      database, in the same run;
#   2. what it saves: the archive's bytes per event (heap and TOAST, every index, the primary key alone) before and
#      after, on the same database. Both sides are measured with freshly built indexes (REINDEX before, V19's rewrite
#      after), so the difference is the ids' width and not the slack insert-grown indexes carry.
# Every event carries the stock message's data (about 1.3 kB) and a UUIDv7-shaped id (its received_at's millisecond
# first, as shared.EventIds makes them), over 1,000 sessions, each with its previous event set; afterwards every id
# must read back as the text it was, and the counts must equal the rows, or the run fails.
#
#   flock /tmp/wagateway-bench.lock bench/uuid-ids.sh [--jar J]     N = 1,000,000 (~5 min)
#   bench/uuid-ids.sh --smoke                                        seconds, tiny N
# env: UUID_EVENTS (1000000), UUID_SESSIONS (1000), BENCH_PORT (18900), BENCH_PG_HOST/PORT/USER (127.0.0.1, 5432,
#      postgres), BENCH_JAVA_OPTS
set -euo pipefail
cd "$(dirname "$0")/.."

source bench/args.sh
bench_options "$@"
events=${UUID_EVENTS:-1000000}
sessions=${UUID_SESSIONS:-1000}
if [[ $smoke == 1 ]]; then events=${UUID_EVENTS:-5000}; fi
port=${BENCH_PORT:-18900}
psql="psql -q -X -h $pg_host -p $pg_port -U $pg_user"
q() { $psql -d "$1" -v ON_ERROR_STOP=1 -Atc "$2"; }

bench_jar

stamp=$(date +%s)_$$
dbs=(wagw_uuid_empty_$stamp wagw_uuid_big_$stamp)
start_seconds=${BENCH_START_SECONDS:-600}
bench_scratch

python3 -c 'import json,sys; print(json.dumps(json.load(open(sys.argv[1]))["data"], ensure_ascii=False, separators=(",", ":")))' \
  src/test/resources/samples/message.json > "$work/data.json"

flyway_time() { # log -> the execution time Flyway reported for V19, in seconds
  grep -o 'now at version v19 (execution time [0-9:.]*s)' "$1" | grep -o '[0-9][0-9:.]*s' \
    | python3 -c 'import sys; m, s = sys.stdin.read().strip().rstrip("s").split(":"); print(f"{int(m) * 60 + float(s):.2f}")'
}

# Bytes of every partition of wa_events: heap with TOAST, indexes, and the primary key's index alone.
sizes="SELECT sum(pg_table_size(c.oid)), sum(pg_indexes_size(c.oid)),
              sum((SELECT pg_relation_size(x.indexrelid) FROM pg_index x WHERE x.indrelid = c.oid AND x.indisprimary))
         FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = 'wa_events'::regclass"
ids="SELECT md5(string_agg(event_id::text, ',' ORDER BY received_at, event_id::text)) FROM wa_events"
per_event() { # "heap|indexes|pkey" -> bytes per event of each and of the total
  IFS='|' read -r heap idx pk <<< "$1"
  python3 -c "n = $events; print(f'table {($heap) / n:.1f}, indexes {($idx) / n:.1f} (primary key {($pk) / n:.1f}), total {($heap + $idx) / n:.1f} bytes per event')"
}

echo "== V19 on a database at V18: empty, and with $events archived events"
for d in "${dbs[@]}"; do
  $psql -d postgres -c "CREATE DATABASE $d" >/dev/null
  gateway "$d" "$work/v18.log" --spring.flyway.target=18; stop
done
big=${dbs[1]}
start=$SECONDS
$psql -d "$big" -v ON_ERROR_STOP=1 -v data="$(cat "$work/data.json")" <<SQL
SET statement_timeout = 0;
INSERT INTO wa_sessions (session_id, status, first_seen_at, updated_at)
SELECT 'uuid-' || (s - 1), 'ready', now(), now() FROM generate_series(1, $sessions) s;
-- 35 days up to now, all in wa_events_legacy (it covers this month). The id: 48 bits of the millisecond, version 7,
-- random bits, variant 10xx, as text (V18's VARCHAR(36)).
INSERT INTO wa_events (event_id, session_id, event, format, source_ip, auth_method, received_at, data_json,
                       body_sha256, delivery_id, status, error, processed_at)
SELECT (lpad(to_hex((extract(epoch FROM t.at) * 1000)::bigint), 12, '0') || '7' || substr(h, 1, 3) || '8'
        || substr(h, 4, 15))::uuid::text,
       'uuid-' || (i % $sessions),
       (ARRAY['message', 'message_ack', 'message_create', 'ready', 'change_state', 'call', 'message', 'message_create'])[1 + i % 8],
       'whatsapp-api', '127.0.0.1', 'hmac', t.at, replace(:'data', '3EB0C767D71D3A5F0A1B', 'P' || i),
       md5(i::text) || md5((i + 1)::text), 'preload-' || i, 'processed', NULL, t.at
  FROM generate_series(1, $events) i,
       LATERAL (SELECT now() - interval '35 days' + interval '35 days' * (i - 1) / $events AS at, md5('uuid' || i) AS h) t;
UPDATE wa_sessions s SET event_count = c.n FROM (SELECT session_id, count(*) n FROM wa_events GROUP BY 1) c
 WHERE c.session_id = s.session_id;
UPDATE wa_sessions s SET last_event_id = e.event_id, last_body_sha256 = e.body_sha256, last_accepted_at = e.received_at
  FROM (SELECT DISTINCT ON (session_id) session_id, event_id, body_sha256, received_at FROM wa_events
         ORDER BY session_id, received_at DESC) e
 WHERE e.session_id = s.session_id;
REINDEX TABLE wa_events;
VACUUM ANALYZE;
CHECKPOINT;
SQL
before=$(q "$big" "$sizes")
ids_before=$(q "$big" "$ids")
echo "preload: $(( SECONDS - start )) s, wa_events $(( $(echo "$before" | cut -d'|' -f1) / 1048576 )) MB + indexes $(( $(echo "$before" | cut -d'|' -f2) / 1048576 )) MB"
declare -A took
for d in "${dbs[@]}"; do
  gateway "$d" "$work/$d.log" --spring.flyway.target=19; stop
  took[$d]=$(flyway_time "$work/$d.log")
done
[[ $(q "$big" "SELECT data_type FROM information_schema.columns WHERE table_name = 'wa_events' AND column_name = 'event_id'") == uuid ]] \
  || { echo "wa_events.event_id is not uuid after V19" >&2; exit 1; }
[[ $(q "$big" "SELECT count(*) FROM wa_events") == "$events" ]] || { echo "rows lost by V19" >&2; exit 1; }
[[ $(q "$big" "SELECT sum(event_count) FROM wa_sessions") == "$events" ]] || { echo "counts off after V19" >&2; exit 1; }
[[ $(q "$big" "$ids") == "$ids_before" ]] || { echo "ids changed by V19" >&2; exit 1; }
[[ $(q "$big" "SELECT count(*) FROM wa_sessions s JOIN wa_events e ON e.event_id = s.last_event_id") == "$sessions" ]] \
  || { echo "previous events lost by V19" >&2; exit 1; }
$psql -d "$big" -c "VACUUM ANALYZE wa_events" >/dev/null
after=$(q "$big" "$sizes")
echo "V19, empty database: ${took[${dbs[0]}]} s"
echo "V19, $events events: ${took[$big]} s"
echo "before (VARCHAR(36) ids): $(per_event "$before")"
echo "after (uuid ids):         $(per_event "$after")"
IFS='|' read -r h0 i0 p0 <<< "$before"; IFS='|' read -r h1 i1 p1 <<< "$after"
echo "after / before: table $(python3 -c "print(f'{$h1 / $h0:.3f}')"), indexes $(python3 -c "print(f'{$i1 / $i0:.3f}')"), primary key $(python3 -c "print(f'{$p1 / $p0:.3f}')"), total $(python3 -c "print(f'{($h1 + $i1) / ($h0 + $i0):.3f}')")"
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg); jar: $jar ($(git rev-parse --short HEAD))"
