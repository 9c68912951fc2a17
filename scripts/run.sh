#!/usr/bin/env bash
# Start the web app (gunicorn, static files by WhiteNoise) and the background-task worker together.
# Ctrl-C (or SIGTERM) stops both. Used by `make run`.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
BIND=${BIND:-127.0.0.1:8000}

.venv/bin/gunicorn config.wsgi:application --bind "$BIND" --worker-class gthread --workers "${WEB_WORKERS:-2}" \
  --threads 4 --access-logfile - --log-level warning &
WEB=$!
$PY manage.py db_worker --queue-name default &
WORKER=$!

stop() { kill -TERM "$WEB" "$WORKER" 2>/dev/null || true; wait "$WEB" "$WORKER" 2>/dev/null || true; }
trap 'stop; exit 0' INT TERM

echo
echo "Thidua is running at http://${BIND}/  (Ctrl-C stops the web server and the worker)"
$PY -c "import django, os; os.environ.setdefault('DJANGO_SETTINGS_MODULE','config.settings.base'); django.setup(); \
from thidua.demo.builder import DEMO_PASSWORD, demo_logins; \
print('Demo logins (password: %s):' % DEMO_PASSWORD); [print(f'  {u:<14} {r}') for u, r in demo_logins()]" 2>/dev/null || true
wait -n "$WEB" "$WORKER"
stop
