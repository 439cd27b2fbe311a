#!/usr/bin/env bash
# 1,000 sessions against 8 (issue 22): one gateway on a fresh database with two HTTP outputs (a and b, one request
# per event) to one local receiver (bench/order-receiver.js). Windows alternate between traffic spread over 8
# session ids and over 1,000 (the order flips every pair), each the same sender (bench/sessions-sender.js: 64
# connections, unique `message` events, HMAC-signed) for the same seconds; after each window the outbox is left to
# deliver all it owes before the next one starts. Per window: webhook 200s a second, the backlog both outputs still
# owed when the load stopped, and how long it took to deliver. At the end, per output and session, the order the
# receiver got the events in, against the sender's log: an event delivered after one the sender sent only once the
# first was answered (so surely accepted later) is out of order; events answered 200 and never delivered, and
# events delivered twice, are counted. Prints the ratio 1,000 / 8 of the rates (median over the pairs).
#
#   flock /tmp/wagateway-bench.lock bench/sessions.sh [JAR] [warmup s, 60] [pairs, 3] [seconds, 15] [connections, 64]
#   bench/sessions.sh --smoke [JAR]   a few seconds; fails only if it cannot run, or on a lost, reordered delivery
# env: BENCH_PORT (18850; the receiver +1), BENCH_SESSIONS_FEW (8), BENCH_SESSIONS_MANY (1000),
#      BENCH_DRAIN_SECONDS (180: a window's backlog not delivered by then fails the run), and those of bench/common.sh
set -euo pipefail
cd "$(dirname "$0")/.."
smoke=0
[[ ${1:-} == --smoke ]] && { smoke=1; shift; }
jar=${1:-}
warmup=${2:-60}
pairs=${3:-3}
seconds=${4:-15}
conns=${5:-64}
[[ $smoke == 1 ]] && { warmup=3; pairs=1; seconds=3; }
few=${BENCH_SESSIONS_FEW:-8}
many=${BENCH_SESSIONS_MANY:-1000}
drain_limit=${BENCH_DRAIN_SECONDS:-180}
export BENCH_PORT=${BENCH_PORT:-18850}
source bench/common.sh
command -v node >/dev/null || { echo "Node.js is needed for the sender and the receiver" >&2; exit 1; }
receiver_port=$(( port + 1 ))

bench_jar

PORT=$receiver_port node bench/order-receiver.js &
node_pid=$!  # stopped by common.sh's cleanup, with the gateway and the database
sleep 0.5
kill -0 "$node_pid" 2>/dev/null || { echo "the receiver could not start on port $receiver_port" >&2; exit 1; }
start_gateway "$jar" wagw_sessions \
  --gateway.outputs.http.a.url="http://127.0.0.1:$receiver_port/a" \
  --gateway.outputs.http.b.url="http://127.0.0.1:$receiver_port/b"
mkdir -p "$work/sent"

received() { curl -sf "http://127.0.0.1:$receiver_port/count" | python3 -c 'import json, sys; c = json.load(sys.stdin); print(c.get("a", 0) + c.get("b", 0))'; }
owed=0  # deliveries the receiver should have had by now: two per accepted event
window() { # label sessions seconds -> one line: label, sessions, req/s, backlog at the end of the load, drained in (s)
  local label=$1 n=$2 s=$3 summary rate accepted backlog start drained
  summary=$(node bench/sessions-sender.js --url "$url/api/whatsapp/webhook" --secret "$secret" --sessions "$n" \
    --connections "$conns" --seconds "$s" --run "$RANDOM$RANDOM" --prefix "lane$n-" --out "$work/sent/$label.tsv")
  read -r rate accepted < <(python3 -c 'import json, sys; d = json.loads(sys.argv[1]); print(round(d["rate"]), d["accepted"])' "$summary")
  owed=$(( owed + 2 * accepted ))
  backlog=$(( owed - $(received) ))
  start=$SECONDS
  until (( $(received) >= owed )); do
    (( SECONDS - start > drain_limit )) && { echo "$label: $(( owed - $(received) )) deliveries still owed after ${drain_limit}s" >&2; exit 1; }
    sleep 0.2
  done
  drained=$(( SECONDS - start ))
  printf '%s\t%s\t%s\t%s\t%s\n' "$label" "$n" "$rate" "$backlog" "$drained"
}

echo "warming up ${warmup}s ..." >&2
window warm-many "$many" $(( (warmup + 1) / 2 )) >/dev/null
window warm-few "$few" $(( (warmup + 1) / 2 )) >/dev/null
printf 'window\tsessions\treq/s\tbacklog after load\tdrained in (s)\n'
results=$work/results.tsv
for p in $(seq 1 "$pairs"); do
  order=(few many); (( p % 2 == 0 )) && order=(many few)
  for which in "${order[@]}"; do
    n=$few; [[ $which == many ]] && n=$many
    window "$p-$which" "$n" "$seconds" > "$work/line"  # not in a pipeline: owed must outlive the window
    cat "$work/line"; cat "$work/line" >> "$results"
  done
done

curl -sf "http://127.0.0.1:$receiver_port/dump?file=$work/received.tsv" >/dev/null
python3 - "$work" "$results" <<'PY'
import glob, statistics, sys
from collections import defaultdict
work, results = sys.argv[1], sys.argv[2]
sent = {}  # message id -> (session, status, sent ms, answered ms); ms per sender process, so per window
for f in glob.glob(f"{work}/sent/*.tsv"):
    for line in open(f):
        s, m, status, t0, t1 = line.rstrip("\n").split("\t")
        sent[m] = (s, status, float(t0), float(t1), f)
lanes = defaultdict(list)
for line in open(f"{work}/received.tsv"):
    out, s, m = line.rstrip("\n").split("\t")
    lanes[(out, s)].append(m)
bad = 0
for out in sorted({o for o, _ in lanes}):
    delivered = defaultdict(int)
    reordered = unknown = 0
    for (o, s), ms in lanes.items():
        if o != out:
            continue
        latest = {}  # per sender run: the latest send time among the events delivered so far
        for m in ms:
            delivered[m] += 1
            if m not in sent:
                unknown += 1
                continue
            _, _, t0, t1, f = sent[m]
            if f in latest and t1 < latest[f]:
                reordered += 1  # an event sent after this one was answered came first
            latest[f] = max(latest.get(f, t0), t0)
    ok = [m for m, v in sent.items() if v[1] == "200"]
    lost = sum(1 for m in ok if m not in delivered)
    twice = sum(1 for v in delivered.values() if v > 1)
    if lost:
        print("  e.g. not delivered:", [m for m in ok if m not in delivered][:3], "delivered:", list(delivered)[:3])
    print(f"output {out}: {sum(delivered.values())} deliveries over {sum(1 for o, _ in lanes if o == out)} sessions;"
          f" out of order {reordered}, answered 200 and not delivered {lost}, delivered twice {twice}, unknown {unknown}")
    bad += reordered + lost + unknown
rows = [l.rstrip("\n").split("\t") for l in open(results)]
by_pair = defaultdict(dict)
for label, n, rate, backlog, drained in rows:
    p, which = label.split("-")
    by_pair[p][which] = float(rate)
ratios = [v["many"] / v["few"] for v in by_pair.values() if v.get("few")]
print("webhook req/s, many sessions / few, per pair: "
      + ", ".join(f"{r:.2f}" for r in ratios) + (f"; median {statistics.median(ratios):.2f}" if ratios else ""))
sys.exit(1 if bad else 0)
PY
