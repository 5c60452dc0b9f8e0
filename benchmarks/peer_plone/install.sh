#!/usr/bin/env bash
# Install the peer (Plone 6.2.2 Classic UI + waitress) in its own venv OUTSIDE the repo, and write a
# Zope instance (ZODB FileStorage + blobstorage, waitress 4 threads on 127.0.0.1:$PORT).
#   bash benchmarks/peer_plone/install.sh            # PEER=/work/plone-peer PORT=8380 by default
# Everything big (venv, Data.fs, corpus) lives under $PEER.
set -euo pipefail
PEER=${PEER:-/work/plone-peer}
PORT=${PORT:-8380}
PY=${PY:-python3.11}
HERE=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$PEER"
[ -x "$PEER/venv/bin/python" ] || "$PY" -m venv "$PEER/venv"
# PyPI only: Plone's own constraints file (dist.plone.org) is not reachable from here, and an
# unconstrained `pip install Plone==6.2.2` picks up later releases (Zope 6.3, ZODB 6.4, ...) and even
# plone.app.layout 7.0.0a6 (CMFPlone requires "plone.app.layout>=6.0.0a3", a pre-release specifier, so
# pip allows pre-releases). requirements-frozen.txt approximates the Plone 6.2.2 release instead: all
# packages as they were on PyPI when Plone 6.2.2 was uploaded (2026-09-10), no pre-release, made with
#   uv pip compile req.in -c cons.txt --exclude-newer 2026-09-11T00:00:00Z --python venv/bin/python
# where req.in = "Plone==6.2.2 / Products.CMFPlone==6.2.2 / waitress" and cons.txt = "plone.app.layout<7".
nice -n 10 "$PEER/venv/bin/pip" install -r "$HERE/requirements-frozen.txt"
"$PEER/venv/bin/python" - <<'PY'
import sys
from importlib.metadata import version
print("Python", sys.version.split()[0])
for p in ("Plone", "Products.CMFPlone", "plone.classicui", "plone.restapi", "plone.app.layout",
          "Zope", "ZODB", "Products.ZCatalog", "waitress"):
    print("%-20s %s" % (p, version(p)))
PY

# Zope instance (the layout of `mkwsgiinstance`, written by hand so that it is reproducible; the
# settings are cookiecutter-zope-instance's defaults: ZODB cache 30000 objects, waitress 4 threads).
INST=$PEER/instance
mkdir -p "$INST/etc" "$INST/var/log" "$INST/var/cache" "$INST/var/blobstorage"
chmod 700 "$INST/var/blobstorage"
cat > "$INST/etc/zope.conf" <<CONF
%define INSTANCE $INST
instancehome \$INSTANCE
debug-mode off
security-policy-implementation C
verbose-security off
default-zpublisher-encoding utf-8
<environment>
  CHAMELEON_CACHE \$INSTANCE/var/cache
</environment>
<dos_protection>
  form-memory-limit 1MB
</dos_protection>
<zodb_db main>
  cache-size 30000
  mount-point /
  <blobstorage>
    blob-dir \$INSTANCE/var/blobstorage
    <filestorage>
      path \$INSTANCE/var/Data.fs
    </filestorage>
  </blobstorage>
</zodb_db>
CONF
cat > "$INST/etc/zope.ini" <<INI
[app:zope]
use = egg:Zope#main
zope_conf = %(here)s/zope.conf

[server:main]
use = egg:waitress#main
host = 127.0.0.1
port = $PORT
threads = 4
clear_untrusted_proxy_headers = false
max_request_body_size = 1073741824

[filter:translogger]
use = egg:Paste#translogger
setup_console_handler = False

[pipeline:main]
pipeline =
    egg:Zope#httpexceptions
    translogger
    zope

[loggers]
keys = root, waitress.queue, waitress, wsgi

[handlers]
keys = console, accesslog, eventlog

[formatters]
keys = generic, message

[formatter_generic]
format = %(asctime)s %(levelname)s [%(name)s:%(lineno)s][%(threadName)s] %(message)s
datefmt = %Y-%m-%d %H:%M:%S

[formatter_message]
format = %(message)s

[logger_root]
level = INFO
handlers = eventlog

[logger_waitress.queue]
level = INFO
handlers = eventlog
qualname = waitress.queue
propagate = 0

[logger_waitress]
level = INFO
handlers = eventlog
qualname = waitress

[logger_wsgi]
level = WARN
handlers = accesslog
qualname = wsgi
propagate = 0

[handler_console]
class = StreamHandler
args = (sys.stderr,)
level = NOTSET
formatter = generic

[handler_accesslog]
class = FileHandler
args = (r'$INST/var/log/access.log','a')
level = INFO
formatter = message

[handler_eventlog]
class = FileHandler
args = (r'$INST/var/log/event.log', 'a')
level = INFO
formatter = generic
INI
echo "instance written to $INST (port $PORT)"
