"""Reads bench/run.sh's raw outputs and prints the table; exits 1 in smoke mode when any 200 lacks its row."""
import re
import sys
from pathlib import Path

work, peak_rss_kb, smoke, java = Path(sys.argv[1]), int(sys.argv[2]), sys.argv[3] == "1", sys.argv[4]


def wrk(path):
    text = path.read_text()
    statuses = {int(c): int(n) for c, n in re.findall(r"^STATUS (\d+) (\d+)$", text, re.M)}
    lat = dict(re.findall(r"(p\d+)=([\d.]+)", text))
    res = dict(re.findall(r"(\w+)=([\d.]+)", re.search(r"^RESULT .*$", text, re.M).group(0)))
    seconds = float(res["seconds"])
    duplicates = statuses.pop(299, 0)
    ok = sum(n for c, n in statuses.items() if 200 <= c < 300)
    errors = {c: n for c, n in statuses.items() if not 200 <= c < 300}
    socket_errors = sum(int(res[k]) for k in ("errors_connect", "errors_read", "errors_timeout"))
    return {"rps": int(res["requests"]) / seconds, "p50": float(lat["p50"]), "p95": float(lat["p95"]),
            "p99": float(lat["p99"]), "ok": ok, "duplicates": duplicates, "errors": errors,
            "socket_errors": socket_errors}


def pgbench(path):
    m = re.search(r"^tps = ([\d.]+)", path.read_text(), re.M)
    return float(m.group(1)) if m else 0.0


rows = []
for line in (work / "results.tsv").read_text().splitlines():
    c, stored, ticks, hz, seconds = line.split("\t")
    gw, bare = wrk(work / f"gw-{c}.txt"), wrk(work / f"bare-{c}.txt")
    db = pgbench(work / f"db-{c}.txt")
    node = wrk(work / f"node-{c}.txt") if (work / f"node-{c}.txt").exists() else None
    cpu = int(ticks) / int(hz) / int(seconds)
    rows.append((int(c), gw, bare, db, node, int(stored), cpu))

print(f"\nWhatsApp webhook gateway benchmark ({java}; {Path('/proc/cpuinfo').read_text().count('processor')} cores)")
print("mix: 70% message/message_create, 20% message_ack, 10% lifecycle; every request HMAC-signed; unique ids\n")
head = f"{'conc':>5} {'gateway req/s':>13} {'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7} {'non-2xx':>8} {'200s':>7} {'rows':>7} {'cpu':>5}" \
       f" | {'bare req/s':>10} {'gw/bare':>7} | {'db ev/s':>8} {'gw/db':>6} | {'node req/s':>10} {'p99 ms':>7} {'gw/node':>7}"
print(head)
print("-" * len(head))
failed = False
for c, gw, bare, db, node, stored, cpu in rows:
    non2xx = sum(gw["errors"].values()) + gw["socket_errors"]
    node_cols = f" | {node['rps']:>10.0f} {node['p99']:>7.2f} {gw['rps'] / node['rps']:>7.2f}" if node else " | (skipped)"
    print(f"{c:>5} {gw['rps']:>13.0f} {gw['p50']:>7.2f} {gw['p95']:>7.2f} {gw['p99']:>7.2f} {non2xx:>8} {gw['ok']:>7} {stored:>7}"
          f" {cpu:>5.2f} | {bare['rps']:>10.0f} {gw['rps'] / bare['rps']:>7.2f} | {db:>8.0f} {gw['rps'] / db if db else 0:>6.2f}"
          + node_cols)
    if node and (node["errors"] or node["socket_errors"]):
        print(f"      node receiver answers other than 2xx: {node['errors']}, socket errors {node['socket_errors']}")
    if gw["errors"]:
        print(f"      answers other than 2xx: {gw['errors']}")
    if gw["duplicates"]:
        print(f"      {gw['duplicates']} of the 200s were duplicates (nothing new to store)")
    new = gw["ok"] - gw["duplicates"]
    # wrk stops with up to `c` requests in flight: the gateway may store those, but wrk never sees their 200.
    if not new <= stored <= new + c:
        failed = True
        print(f"      MISMATCH: {new} new events answered 200 but {stored} rows stored")
    elif stored > new:
        print(f"      {stored - new} more rows than 200s seen: requests in flight when wrk stopped")
print(f"\ngateway peak RSS: {peak_rss_kb / 1024:.0f} MB; cpu = cores busy in the gateway process during its measurement")
print("bare = a platform-http route answering 200 in the same app (HTTP ceiling); "
      "db = pgbench running the gateway's statements for one message event (database ceiling; at most 60 clients);\n"
      "node = the minimal Node.js receiver (bench/node-receiver: HMAC, archive insert, message upsert; pg pool of 10)")
if smoke:
    ok = not failed and all(not gw["errors"] and gw["socket_errors"] == 0 and gw["ok"] > 0 for _, gw, *_ in rows)
    print("smoke:", "OK" if ok else "FAILED")
    sys.exit(0 if ok else 1)
sys.exit(1 if failed else 0)
