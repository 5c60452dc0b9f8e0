#!/usr/bin/env bash
# Start / stop the peer Plone (waitress, 4 threads, 127.0.0.1:8380 as written by install.sh).
#   bash benchmarks/peer_plone/serve.sh start|stop|restart|status
# The server's pid is in $PEER/instance/var/server.pid (the measurement script reads its RSS there).
set -euo pipefail
PEER=${PEER:-/work/plone-peer}
INST=$PEER/instance
PIDFILE=$INST/var/server.pid
PORT=$(sed -n 's/^port = //p' "$INST/etc/zope.ini")

running() { [ -f "$PIDFILE" ] && kill -0 "$(cat "$PIDFILE")" 2>/dev/null; }

start() {
  if running; then echo "already running (pid $(cat "$PIDFILE"))"; return; fi
  setsid "$PEER/venv/bin/runwsgi" "$INST/etc/zope.ini" >>"$INST/var/log/server.out" 2>&1 < /dev/null &
  echo $! > "$PIDFILE"
  for _ in $(seq 1 120); do
    if python3 - "$PORT" <<'PY' 2>/dev/null; then echo "started (pid $(cat "$PIDFILE"), port $PORT)"; return; fi
import http.client, sys
c = http.client.HTTPConnection("127.0.0.1", int(sys.argv[1]), timeout=5)
c.request("GET", "/Plone/robots.txt"); r = c.getresponse(); r.read()
sys.exit(0 if r.status < 500 else 1)
PY
    running || { echo "server died, see $INST/var/log/server.out and event.log"; exit 1; }
    sleep 0.5
  done
  echo "server not answering after 60 s"; exit 1
}

stop() {
  if running; then
    pid=$(cat "$PIDFILE"); kill "$pid"
    for _ in $(seq 1 40); do kill -0 "$pid" 2>/dev/null || break; sleep 0.25; done
    kill -0 "$pid" 2>/dev/null && kill -9 "$pid"
    echo "stopped (pid $pid)"
  else
    echo "not running"
  fi
  rm -f "$PIDFILE"
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  restart) stop; start ;;
  status) if running; then echo "running (pid $(cat "$PIDFILE"))"; else echo "not running"; fi ;;
  *) echo "usage: $0 start|stop|restart|status"; exit 2 ;;
esac
