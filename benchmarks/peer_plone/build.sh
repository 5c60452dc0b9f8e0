#!/usr/bin/env bash
# (Re)build the peer site from scratch: corpus (n=5000, seed 42) + a fresh Data.fs with the Plone site,
# the member and the 5,000 files. The server must be stopped (serve.sh stop).
#   bash benchmarks/peer_plone/build.sh              # N=5000 by default
set -euo pipefail
PEER=${PEER:-/work/plone-peer}
N=${N:-5000}
HERE=$(cd "$(dirname "$0")" && pwd)
INST=$PEER/instance
CORPUS=$PEER/corpus-$N-42.jsonl
if [ -f "$INST/var/server.pid" ] && kill -0 "$(cat "$INST/var/server.pid")" 2>/dev/null; then
  echo "the server is running: bash $HERE/serve.sh stop first"; exit 1
fi
[ -f "$CORPUS.searchwords.json" ] || python3 "$HERE/../gen_corpus.py" --n "$N" --seed 42 --out "$CORPUS"
rm -rf "$INST/var/Data.fs" "$INST/var/Data.fs.index" "$INST/var/Data.fs.tmp" "$INST/var/Data.fs.lock" \
       "$INST/var/blobstorage"
mkdir -p "$INST/var/blobstorage"; chmod 700 "$INST/var/blobstorage"
time nice -n 10 "$PEER/venv/bin/zconsole" run "$INST/etc/zope.conf" "$HERE/build_site.py" \
  --corpus "$CORPUS" --batch 500 2>&1 | grep -v -e '^WARNING:GenericSetup' -e '^WARNING:Products.MimetypesRegistry'
