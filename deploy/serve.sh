#!/usr/bin/env bash
# `make serve`: the production layout on this machine, in one command. gunicorn with the production
# settings (gunicorn.conf.py), a task worker and the scheduler, PostgreSQL, Redis, static files
# fingerprinted and compressed, served by the app (WhiteNoise). Ctrl-C stops them all (honcho).
set -euo pipefail
cd "$(dirname "$0")/.."

ENV_FILE=${SERVE_ENV:-.env.serve}
[ -f "$ENV_FILE" ] || .venv/bin/python deploy/local.py env "$ENV_FILE"
set -a
# shellcheck disable=SC1090
. "./$ENV_FILE"
set +a
PORT=${PORT:-8000}

if ! pg_isready -h 127.0.0.1 -p 5432 -q 2>/dev/null; then
    echo "== starting PostgreSQL"
    pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -n 1)" main start
    for _ in $(seq 1 30); do pg_isready -h 127.0.0.1 -p 5432 -q && break; sleep 1; done
fi
.venv/bin/python deploy/local.py database

# Redis: the one already answering on 6379, or one started here and stopped with the rest.
processes="web worker scheduler"
if ! redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1; then
    command -v redis-server >/dev/null || { echo "redis-server is missing: apt-get install redis-server"; exit 1; }
    processes="$processes redis"
fi

echo "== migrate, demo data, static files"
.venv/bin/python manage.py migrate --noinput -v 0
if [ "${SEED_DEMO:-1}" = "1" ]; then
    .venv/bin/python manage.py seed_demo --i-know-this-is-a-demo
fi
.venv/bin/python manage.py collectstatic --noinput -v 0
.venv/bin/python manage.py check --deploy --fail-level ERROR

echo "== serving http://127.0.0.1:$PORT/ (production settings, $ENV_FILE); health: http://127.0.0.1:$PORT/healthz"
exec .venv/bin/honcho start --no-colour --procfile Procfile.serve --env /dev/null --port "$PORT" $processes
