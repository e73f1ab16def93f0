# Two commands on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run serve test setup browser-tools migrate demo lint format check-deploy bench clean

$(BIN)/.installed: requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

setup: $(BIN)/.installed

# axe-core, which the browser tests inject into pages. Without npm (or without
# Chromium) the browser tests are skipped, each with the reason.
node_modules/.installed: package.json package-lock.json
	@if command -v npm >/dev/null 2>&1; then npm ci --no-audit --no-fund --silent && touch $@; \
	else echo "npm not found: the browser tests will be skipped"; fi

browser-tools: node_modules/.installed

migrate: setup
	$(BIN)/python manage.py migrate --noinput

demo: migrate
	$(BIN)/python manage.py seed_demo

# The web server, a worker for the background tasks and the scheduler of the periodic jobs (Procfile.dev).
run: demo
	@echo "Serving http://$(HOST):$(PORT)/ with a task worker and the job scheduler (demo accounts: see README)"
	HOST=$(HOST) $(BIN)/honcho start --no-colour --procfile Procfile.dev --port $(PORT)

# The production layout on this machine: gunicorn with the production settings, a task worker, the
# scheduler, PostgreSQL and Redis, static files compressed and fingerprinted (deploy/serve.sh; README "Deploying").
serve: setup
	PORT=$(PORT) deploy/serve.sh

test: setup browser-tools
	$(BIN)/pytest -n 3

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: setup
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

check-deploy: setup
	DJANGO_SETTINGS_MODULE=marketplace.settings.production \
	SECRET_KEY=ci-only-$$(head -c 48 /dev/urandom | base64 | tr -d '\n/+=') \
	ALLOWED_HOSTS=services.example.gov.cn \
	SITE_URL=https://services.example.gov.cn \
	EMAIL_BACKEND=django.core.mail.backends.smtp.EmailBackend \
	EMAIL_HOST=smtp.example.gov.cn \
	PAYMENT_GATEWAY_URL=https://pay.example.gov.cn/v1 \
	PAYMENT_GATEWAY_SECRET=ci-only-$$(head -c 48 /dev/urandom | base64 | tr -d '\n/+=') \
	VIDEO_ROOM_PROVIDER=http VIDEO_ROOM_URL=https://video.example.gov.cn/v1 \
	PERSONAL_DATA_KEY=$$(head -c 32 /dev/urandom | base64 | tr '+/' '-_') \
	PERSONAL_DATA_HASH_KEY=ci-only-$$(head -c 48 /dev/urandom | base64 | tr -d '\n/+=') \
	$(BIN)/python manage.py check --deploy --fail-level WARNING

bench: setup
	$(BIN)/python bench/booking_bench.py
	$(BIN)/python bench/search_bench.py --write

clean:
	rm -rf $(VENV) node_modules db.sqlite3 db.sqlite3-wal db.sqlite3-shm staticfiles
