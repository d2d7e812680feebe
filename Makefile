# The two set-up commands: `make run` and `make test`. Everything they need is installed here.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PG_URL ?= postgres://postgres@127.0.0.1:5432/postgres
HOST ?= 127.0.0.1
PORT ?= 8000

ASSETS := omni_privacy/core/static/vendor/pico/pico.min.css

.PHONY: install assets messages lint test test-sqlite test-postgres run clean cli-docs

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP) messages assets

# Front-end assets come from the npm registry, pinned in package-lock.json, and are copied into
# the static files here (build output, not committed): nothing is fetched at run time.
assets: $(ASSETS)

$(ASSETS): package.json package-lock.json
	npm ci --no-audit --no-fund --silent
	mkdir -p $(dir $(ASSETS))
	cp node_modules/@picocss/pico/css/pico.min.css node_modules/@picocss/pico/LICENSE.md $(dir $(ASSETS))
	touch $(ASSETS)

# Compiled catalogues are build output (not committed): made from the .po files each time.
messages: $(STAMP)
	cd omni_privacy && ../$(BIN)/django-admin compilemessages --ignore=.venv -v 0

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports --no-cache
	$(BIN)/mypy omni_privacy

# docs/cli.md's command table, rewritten from the commands' parsers (a test checks it).
cli-docs: install
	DJANGO_SETTINGS_MODULE=omni_privacy.settings $(BIN)/python -m omni_privacy.ops.catalogue
	$(BIN)/ruff format -q omni_privacy/ops/help_messages.py

test-sqlite: install
	$(BIN)/pytest -q

# PostgreSQL run: mandatory under CI=true; elsewhere skipped, loudly, when no server answers.
test-postgres: install
	@if $(BIN)/python scripts/pg_available.py "$(PG_URL)"; then \
		OMNI_DATABASE_URL="$(PG_URL)" $(BIN)/pytest -q; \
	elif [ "$$CI" = "true" ]; then \
		echo "ERROR: PostgreSQL is not reachable at $(PG_URL) and CI=true: nothing may be skipped." >&2; exit 1; \
	else \
		echo "SKIPPED: the PostgreSQL run (no server at $(PG_URL)). Set PG_URL or start PostgreSQL."; \
	fi

test: lint test-sqlite test-postgres

# Without OMNI_SMTP_HOST, mail is kept in the development mailbox (var/mailbox/, .eml files:
# settings.py decides, for `omni-privacy run` alone too). A demo run (OMNI_DEMO=1): bootstrap
# fills an empty database with demo accounts and data, the demo customer instance's export is
# served on loopback so that "Sync now" works (demo/views.py), and the demo privacy officers may
# sign in without a second factor (never outside OMNI_DEMO=1).
run: export OMNI_DEMO = 1
run: install
	$(BIN)/omni-privacy migrate --no-input -v 0
	$(BIN)/omni-privacy bootstrap --demo --host $(HOST) --port $(PORT)
	$(BIN)/omni-privacy run --host $(HOST) --port $(PORT)

clean:
	rm -rf $(VENV) var node_modules omni_privacy/core/static/vendor .pytest_cache .mypy_cache .ruff_cache
