#!/usr/bin/env bash
# Why the events list finds its page of keys first (docs/performance.md, "Scale: day 100"; V18, ReadQueries.events):
# a filter value common in the old archive and absent from the recent traffic (calls on a number that stopped taking
# them). On a scratch table of wa_events' shape (OLD mixed events of eight types, every eighth a call, then RECENT
# messages only), each form of GET /api/whatsapp/events?event=call is run 7 times and its median EXPLAIN ANALYZE
# execution time printed, in the same session: the one statement on the old indexes, the same with V18's index
# beside them, and the page of keys then its rows. Also the time V18 takes to build one index. Dropped at the end.
#   bench/event-filter-plan.sh [OLD] [RECENT]     (1000000 and 200000)
# env: BENCH_PG_HOST/PORT/USER (127.0.0.1, 5432, postgres)
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/args.sh
old=${1:-1000000}
recent=${2:-200000}
psql="psql -q -X -h $pg_host -p $pg_port -U $pg_user"
db=event_filter_plan_$(date +%s)_$RANDOM
trap '$psql -d postgres -c "DROP DATABASE IF EXISTS $db" >/dev/null 2>&1 || true' EXIT
$psql -d postgres -c "CREATE DATABASE $db" >/dev/null
q() { $psql -d "$db" -v ON_ERROR_STOP=1 -Atc "$1"; }

q "CREATE TABLE wa_events (event_id VARCHAR(36) PRIMARY KEY, session_id VARCHAR(64) NOT NULL, event VARCHAR(64) NOT NULL,
     status VARCHAR(16) NOT NULL, received_at TIMESTAMP WITH TIME ZONE NOT NULL)"
q "INSERT INTO wa_events SELECT gen_random_uuid()::text, 's' || (i % 1000), (ARRAY['message', 'message_ack',
     'message_create', 'ready', 'change_state', 'call', 'message', 'message_create'])[1 + i % 8], 'processed',
     now() - interval '35 days' + i * (interval '34 days' / $old) FROM generate_series(1, $old) i"
q "INSERT INTO wa_events SELECT gen_random_uuid()::text, 's' || (i % 1000), 'message', 'processed',
     now() - interval '1 day' + i * (interval '1 day' / $recent) FROM generate_series(1, $recent) i"
q "CREATE INDEX wa_events_event_received ON wa_events (event, received_at)"
q "CREATE INDEX wa_events_received ON wa_events (received_at)"
q "VACUUM ANALYZE wa_events"

one="SELECT * FROM wa_events e WHERE e.event = 'call' ORDER BY e.received_at DESC, e.event_id DESC LIMIT 50 OFFSET 0"
keys="SELECT e.* FROM wa_events e JOIN (SELECT k.event_id, k.received_at FROM wa_events k WHERE k.event = 'call'
      ORDER BY k.received_at DESC, k.event_id DESC LIMIT 50 OFFSET 0) page
      ON page.event_id = e.event_id AND page.received_at = e.received_at ORDER BY e.received_at DESC, e.event_id DESC"
median() { # statement -> median of 7 EXPLAIN ANALYZE execution times, ms (after one unmeasured run)
  q "EXPLAIN ANALYZE $1" >/dev/null
  for _ in 1 2 3 4 5 6 7; do
    q "EXPLAIN ANALYZE $1" | sed -n 's/^Execution Time: \([0-9.]*\) ms/\1/p'
  done | sort -n | sed -n 4p
}
echo "wa_events: $old older events, $recent recent ones without a call"
echo "one statement, old indexes:         $(median "$one") ms"
start=$(date +%s.%N)
q "CREATE INDEX wa_events_event_page ON wa_events (event, received_at, event_id)"
built=$(python3 -c "print(f'{$(date +%s.%N) - $start:.2f}')")
q "ANALYZE wa_events"
echo "one statement, V18's index beside:  $(median "$one") ms"
echo "page of keys, then its rows:        $(median "$keys") ms"
echo "V18's index over $(( old + recent )) rows built in $built s; load average: $(cut -d' ' -f1-3 /proc/loadavg)"
