#!/usr/bin/env bash
# Why event ids are UUIDv7 (docs/performance.md, "Time-ordered event ids"): the cost of inserting rows keyed by
# random UUIDv4 text against time-ordered UUIDv7 text into a VARCHAR(36) primary key, as wa_events is keyed, while
# the index grows past shared_buffers. The keys are made beforehand (only the inserts are timed), the two tables take
# turns batch by batch so the machine's load falls on both alike. On a scratch database, dropped at the end.
#   bench/uuid-keys.sh [ROWS] [BATCH]     (4000000 and 200000)
# env: BENCH_PG_HOST/PORT/USER (127.0.0.1, 5432, postgres)
set -euo pipefail
rows=${1:-4000000}
batch=${2:-200000}
psql="psql -q -X -h ${BENCH_PG_HOST:-127.0.0.1} -p ${BENCH_PG_PORT:-5432} -U ${BENCH_PG_USER:-postgres}"
db=uuid_keys_$(date +%s)_$RANDOM
$psql -d postgres -c "CREATE DATABASE $db" >/dev/null
trap '$psql -d postgres -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" >/dev/null 2>&1 || true' EXIT

echo "making $rows keys of each kind (not timed); shared_buffers $($psql -At -d "$db" -c 'SHOW shared_buffers')"
$psql -d "$db" <<SQL
CREATE TABLE v4 (event_id VARCHAR(36) PRIMARY KEY, pad TEXT);
CREATE TABLE v7 (event_id VARCHAR(36) PRIMARY KEY, pad TEXT);
-- UUIDv7's layout (RFC 9562): 48-bit milliseconds, version 7, then a counter and random bits, in increasing order.
CREATE FUNCTION v7text(n bigint) RETURNS text LANGUAGE sql AS \$\$
  SELECT substr(h,1,8)||'-'||substr(h,9,4)||'-7'||substr(h,14,3)||'-'||substr(h,17,4)||'-'||substr(h,21,12)
  FROM (SELECT lpad(to_hex(1796000000000 + n / 16), 12, '0') || lpad(to_hex(n % 4096), 4, '0')
               || substr(md5(n::text), 1, 16) AS h) x \$\$;
CREATE TABLE k4 AS SELECT g AS n, gen_random_uuid()::text AS id, md5(g::text) AS pad FROM generate_series(1, $rows) g;
CREATE TABLE k7 AS SELECT g AS n, v7text(g) AS id, md5(g::text) AS pad FROM generate_series(1, $rows) g;
CREATE INDEX ON k4 (n);
CREATE INDEX ON k7 (n);
VACUUM ANALYZE k4;
VACUUM ANALYZE k7;
CHECKPOINT;
SQL

batches=$(( rows / batch ))
printf '%-8s %10s %10s %7s\n' batch "v4 ms" "v7 ms" ratio
for b in $(seq 0 $(( batches - 1 ))); do
  lo=$(( b * batch + 1 )); hi=$(( (b + 1) * batch ))
  for t in 4 7; do
    start=$(date +%s%3N)
    $psql -d "$db" -c "INSERT INTO v$t SELECT id, pad FROM k$t WHERE n BETWEEN $lo AND $hi ORDER BY n"
    took[$t]=$(( $(date +%s%3N) - start ))
  done
  awk -v b=$(( b + 1 )) -v a="${took[4]}" -v c="${took[7]}" 'BEGIN { printf "%-8s %10d %10d %7.2f\n", b, a, c, c / a }'
done
$psql -At -d "$db" -c "SELECT 'index size: ' || string_agg(relname || ' ' || pg_size_pretty(pg_relation_size(oid)), ', ')
  FROM pg_class WHERE relname IN ('v4_pkey', 'v7_pkey')"
