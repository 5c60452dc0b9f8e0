#!/usr/bin/env bash
# Runs the embedded default: Django's server, a real Celery worker and beat on
# kombu's filesystem transport (no broker to install), mail written to var/mail.
# Ctrl-C stops all three.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PY:-.venv/bin/python}
export DJANGO_SETTINGS_MODULE=${DJANGO_SETTINGS_MODULE:-ailb_intranet.settings.dev}
mkdir -p var/celery/queue var/celery/control var/mail var/log

pids=()
stop() {
  trap - INT TERM EXIT
  echo; echo "Arrêt de l'intranet…"
  kill "${pids[@]}" 2>/dev/null || true
  wait 2>/dev/null || true
}
trap stop INT TERM EXIT

"$PY" -m celery -A ailb_intranet worker --concurrency 2 --loglevel INFO >var/log/worker.log 2>&1 &
pids+=($!)
"$PY" -m celery -A ailb_intranet beat --loglevel INFO --schedule var/celerybeat-schedule >var/log/beat.log 2>&1 &
pids+=($!)

cat <<'MSG'

  Intranet AILB : http://127.0.0.1:8000/
  Connexions de démonstration (usage local uniquement), mot de passe « ailb-demo-2021 » :
    admin        administratrice (superutilisatrice)
    v.poteau     cheffe de projet, animatrice de tous les groupes
    b.ethore     élu, membre du groupe privé « Mobilités décarbonées – hydrogène »
    c.theveniau  élue, membre des groupes Habiter et Tourisme
  Worker et beat Celery : var/log/worker.log, var/log/beat.log ; courriels : var/mail/
  Ctrl-C pour tout arrêter.

MSG
"$PY" manage.py runserver 127.0.0.1:8000 &
pids+=($!)
wait -n "${pids[@]}"
