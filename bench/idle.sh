#!/usr/bin/env bash
# Does the webhook come back at full speed after a pause? One gateway on a fresh database: warmed up, measured for a
# window ("before"), left idle, then measured again in windows right after one another ("after 1", "after 2", ...).
# Prints each window's req/s and its ratio to "before"; around each window, what PostgreSQL says about wa_messages
# (live and dead rows, the planner's reltuples, last analyze, scans and tuples per scan of its indexes), the age of
# the gateway's connections, and, when pg_stat_statements is loaded on the server, the top statements of the window
# by time (calls, ms per call, shared blocks hit per call).
#
#   bench/idle.sh [JAR] [warmup s, 60] [idle s, 300] [window s, 20] [after windows, 3] [concurrency, 64]
# env: those of bench/common.sh; BENCH_GATEWAY_ARGS (extra gateway arguments, e.g. --gateway.retention.vacuum=false)
set -euo pipefail
cd "$(dirname "$0")/.."
jar=${1:-}
warmup=${2:-60}
idle=${3:-300}
seconds=${4:-20}
afters=${5:-3}
conc=${6:-64}
source bench/common.sh

bench_jar
# shellcheck disable=SC2086
start_gateway "$jar" wagw_idle ${BENCH_GATEWAY_ARGS:-}
q() { $psql -d "$db" -Atc "$1"; }
statements=0
if [[ $(q "SHOW shared_preload_libraries") == *pg_stat_statements* ]]; then
  q "CREATE EXTENSION IF NOT EXISTS pg_stat_statements" && statements=1
fi
echo "autovacuum=$(q 'SHOW autovacuum') plan_cache_mode=$(q 'SHOW plan_cache_mode') pg_stat_statements=$statements"

state() { # what PostgreSQL says about the table acks update, and the gateway's connections
  q "SELECT 'wa_messages live=' || n_live_tup || ' dead=' || n_dead_tup || ' reltuples=' || c.reltuples
              || ' relpages=' || c.relpages || ' analyzed=' || COALESCE(to_char(GREATEST(last_analyze, last_autoanalyze), 'HH24:MI:SS'), 'never')
              || ' vacuumed=' || COALESCE(to_char(GREATEST(last_vacuum, last_autovacuum), 'HH24:MI:SS'), 'never')
       FROM pg_stat_user_tables t JOIN pg_class c ON c.oid = t.relid WHERE t.relname = 'wa_messages'"
  # which index the statements on wa_messages use, cumulative: scans and index tuples read per scan (issue 22: the
  # acks' update read a session's every row through an index of session_id alone)
  q "SELECT 'wa_messages indexes: ' || string_agg(replace(indexrelname, 'wa_messages_', '') || '=' || idx_scan || '/'
              || CASE WHEN idx_scan > 0 THEN round(idx_tup_read::numeric / idx_scan, 1) ELSE 0 END, ' ' ORDER BY indexrelname)
       FROM pg_stat_user_indexes WHERE relname = 'wa_messages'"
  q "SELECT 'connections=' || count(*) || ' oldest=' || COALESCE(max(round(extract(epoch FROM now() - backend_start))), 0)
              || 's youngest=' || COALESCE(min(round(extract(epoch FROM now() - backend_start))), 0) || 's'
       FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"
}
top() {
  [[ $statements == 1 ]] || return 0
  q "SELECT '  ' || lpad(round(total_exec_time)::text, 6) || ' ms ' || lpad(calls::text, 7) || ' calls '
              || to_char(total_exec_time / calls, '90.999') || ' ms/call ' || to_char(shared_blks_hit::numeric / calls, '99990.9')
              || ' hit/call  ' || left(regexp_replace(query, '\s+', ' ', 'g'), 90)
       FROM pg_stat_statements WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database())
      ORDER BY total_exec_time DESC LIMIT 6"
}
reset() { [[ $statements == 1 ]] && q "SELECT pg_stat_statements_reset()" >/dev/null || true; }

window() { # name -> one line: req/s and the ratio to before
  reset
  local out rate
  out=$(wrk_run "$conc" "$seconds" /api/whatsapp/webhook)
  rate=$(awk '/^Requests\/sec/ {print $2}' <<< "$out")
  [[ -z ${before:-} ]] && before=$rate
  printf '%-8s %9.0f req/s  %.2f of before\n' "$1" "$rate" "$(python3 -c "print($rate / $before)")"
  top
  state
}

echo "warming up ${warmup}s ..." >&2
wrk_run "$conc" "$warmup" /api/whatsapp/webhook >/dev/null
state
window before
echo "idle ${idle}s ..." >&2
sleep "$idle"
state
for i in $(seq 1 "$afters"); do window "after $i"; done
