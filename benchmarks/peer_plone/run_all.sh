#!/usr/bin/env bash
# Three measurement runs, each scenario on a freshly started server (so each word is searched for the
# first time since start), then one more member run on the same, warm server; leaves the server STOPPED.
#   bash benchmarks/peer_plone/run_all.sh            # results in $PEER/results/<date-time>/
set -euo pipefail
PEER=${PEER:-/work/plone-peer}
HERE=$(cd "$(dirname "$0")" && pwd)
OUT=$PEER/results/$(date +%Y%m%d-%H%M%S)
RUNS=${RUNS:-3}
mkdir -p "$OUT"
for i in $(seq 1 "$RUNS"); do
  for sc in member anonymous; do
    bash "$HERE/serve.sh" restart
    sleep 2
    python3 "$HERE/measure_search.py" --scenario "$sc" --label "run $i, fresh server" --out "$OUT/$sc-run$i.json" | tail -2
  done
done
python3 "$HERE/measure_search.py" --scenario member --label "warm: same server, second member pass" \
  --out "$OUT/member-warm.json" | tail -2
bash "$HERE/serve.sh" stop
python3 - "$OUT" <<'PY'
import json, sys, pathlib
rows = [json.loads(p.read_text()) for p in sorted(pathlib.Path(sys.argv[1]).glob("*.json"))]
print(f"{'scenario':<10}{'label':<40}{'median':>8}{'p95':>8}{'RSS MiB':>9}  cpu probe ms")
for r in rows:
    print(f"{r['scenario']:<10}{r['label']:<40}{r['median_ms']:>8}{r['p95_ms']:>8}{r['server_rss_mib']:>9}  {r.get('cpu_probe_ms_before_after')}")
PY
echo "results in $OUT"
