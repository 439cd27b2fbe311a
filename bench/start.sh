#!/usr/bin/env bash
# Time to the first 200 after a restart (docs/performance.md, "Start time"): the packaged jar, built beforehand
# (./mvnw -o -q package -DskipTests; this builds nothing), on a PostgreSQL database that is already migrated, started
# N times each way, the ways taking turns so the machine's load falls on all alike:
#   plain-17    java -jar on Java 17 (the baseline: what a new user runs)
#   plain-25    java -jar on Java 25
#   gateway-17  tools/gateway on Java 17 (class-data sharing)
#   gateway-25  tools/gateway on Java 25 (extracted jar + AOT cache)
# Each start is timed from launch to the first 200 on GET /api/whatsapp/webhook (what the WhatsApp server's
# requests need: before it, the port is closed or the gate answers 503), polled every 20 ms over bash's /dev/tcp
# so that the poller forks no process beside the starting JVM. Prints the median per way and its ratio to plain-17.
#   flock /tmp/wagateway-bench.lock bench/start.sh
# env: N (5), JAVA17_HOME, JAVA25_HOME, BENCH_PG_HOST/PORT/USER (127.0.0.1, 5432, postgres), BENCH_PORT (18090),
#      BENCH_WAYS (all four)
set -euo pipefail
cd "$(dirname "$0")/.."

n=${N:-5}
java17=${JAVA17_HOME:-$(ls -d /usr/lib/jvm/java-17-openjdk-* 2>/dev/null | head -1)}
java25=${JAVA25_HOME:-$(ls -d /usr/lib/jvm/*25* 2>/dev/null | head -1)}
source bench/args.sh
port=${BENCH_PORT:-18090}
ways=(${BENCH_WAYS:-plain-17 plain-25 gateway-17 gateway-25})
jar=$(ls target/whatsapp-webhook-gateway-*.jar 2>/dev/null | head -1)
[[ -f $jar ]] || { echo "no target/whatsapp-webhook-gateway-*.jar: ./mvnw -o -q package -DskipTests first" >&2; exit 2; }
[[ -x $java17/bin/java ]] || { echo "no Java 17 (JAVA17_HOME)" >&2; exit 2; }
[[ -x $java25/bin/java ]] || { echo "no Java 25 (JAVA25_HOME)" >&2; exit 2; }
psql="psql -q -X -h $pg_host -p $pg_port -U $pg_user"

db=start_bench_$(date +%s)_$RANDOM
work=$(mktemp -d)
pid=""
cleanup() {
  [[ -n $pid ]] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null || true
  $psql -d postgres -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT
$psql -d postgres -c "CREATE DATABASE $db" >/dev/null

export DATABASE_URL="postgresql://$pg_user@$pg_host:$pg_port/$db" DATA_DIR=$work/data MEDIA_DIR=$work/data/media
export SERVER_PORT=$port GATEWAY_CACHE_DIR=$work/cache GATEWAY_JAR=$jar

status() { # -> the HTTP status of GET /api/whatsapp/webhook, or nothing when not listening
  local line=""
  { exec 3<>"/dev/tcp/127.0.0.1/$port"; } 2>/dev/null || return 0
  printf 'GET /api/whatsapp/webhook HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n' >&3 2>/dev/null || true
  read -r -t 2 line <&3 2>/dev/null || true
  exec 3<&- 3>&-
  line=${line#* }
  echo "${line%% *}"
}

launch() { # way -> starts it in the background, sets pid (the JVM's own: tools/gateway execs it)
  local command
  case $1 in
    plain-17) command=("$java17/bin/java" -jar "$jar") ;;
    plain-25) command=("$java25/bin/java" -jar "$jar") ;;
    gateway-17) command=(env JAVA_HOME="$java17" tools/gateway) ;;
    gateway-25) command=(env JAVA_HOME="$java25" tools/gateway) ;;
  esac
  exec "${command[@]}" > "$work/$1.log" 2>&1 &
  pid=$!
}

first_200() { # way -> milliseconds from launch to the first 200
  local t0 t1
  t0=$(date +%s%N)
  launch "$1"
  until [[ $(status) == 200 ]]; do
    if ! kill -0 "$pid" 2>/dev/null || (( ($(date +%s%N) - t0) > 120000000000 )); then
      tail -n 30 "$work/$1.log" >&2; echo "$1 did not answer 200" >&2; exit 1
    fi
    sleep 0.02
  done
  t1=$(date +%s%N)
  kill -TERM "$pid"; wait "$pid" 2>/dev/null || true; pid=""
  echo $(( (t1 - t0) / 1000000 ))
}

median() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : int((a[NR/2]+a[NR/2+1])/2)}'; }

echo "jar $jar ($(sha256sum "$jar" | cut -c1-12)), $n starts per way, database $db"
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
# Once, untimed: migrates the bench database (every timed start finds it migrated, as after a restart) and makes
# tools/gateway's caches, as its first start on a host (or the image build) does.
first_200 plain-17 > /dev/null
JAVA_HOME=$java17 tools/gateway --prepare 2> "$work/prepare-17.log"
JAVA_HOME=$java25 tools/gateway --prepare 2> "$work/prepare-25.log"

declare -A times
for (( i = 1; i <= n; i++ )); do
  for way in "${ways[@]}"; do
    ms=$(first_200 "$way")
    times[$way]="${times[$way]:-} $ms"
    echo "  start $i $way: $ms ms"
  done
done
load_after=$(cut -d' ' -f1-3 /proc/loadavg)

base=""
echo
printf '%-11s %8s %8s  %s\n' way median ratio "all (ms)"
for way in "${ways[@]}"; do
  # shellcheck disable=SC2086
  m=$(median ${times[$way]})
  [[ -n $base ]] || base=$m
  printf '%-11s %6s ms %8s  %s\n' "$way" "$m" "$(awk -v a="$m" -v b="$base" 'BEGIN {printf "%.2f", a / b}')" "${times[$way]# }"
done
echo "load average after: $load_after (2 cores; ratios are against ${ways[0]}, same run)"
