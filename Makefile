# The two commands the README promises: `make run` and `make test`. Everything else is a step of those.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
HOST   ?= 127.0.0.1
PORT   ?= 8000
PYTEST_ARGS ?=
# `make test` runs the suite in two processes (pytest-xdist, each file's tests in one process); TEST_WORKERS=0
# runs it in this one process, TEST_WORKERS=auto in one per CPU.
TEST_WORKERS ?= 2
# The public address in e-mails, links and the QR codes of notices: where `make run` serves, unless set.
PORTAL_BASE_URL ?= http://$(HOST):$(PORT)
export PORTAL_BASE_URL

.PHONY: run test mutate setup setup-test system-deps system-deps-test messages makemessages migrate demo lint worker beat bench clean

run: setup migrate demo
	@echo ""
	@echo "  The portal runs at  http://$(HOST):$(PORT)/   (stop it with Ctrl-C)"
	@echo "  Admin (configuration): http://$(HOST):$(PORT)/admin/"
	@echo ""
	$(BIN)/python manage.py runserver $(HOST):$(PORT)

# pytest's exit 5 ("no tests collected") is a failure here, never a silent pass.
test: setup-test
	@$(BIN)/python -m pytest -n $(TEST_WORKERS) --dist loadfile --no-loadscope-reorder $(PYTEST_ARGS); rc=$$?; \
	 if [ $$rc -eq 5 ]; then echo "make test: no tests were collected - failing." >&2; exit 1; fi; exit $$rc

setup: system-deps $(VENV)/.installed messages
setup-test: system-deps-test $(VENV)/.installed-dev messages node_modules/axe-core/axe.min.js

system-deps:
	@sh scripts/system-deps.sh run

system-deps-test:
	@sh scripts/system-deps.sh test

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: requirements.txt | $(BIN)/python
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.txt
	@touch $@

$(VENV)/.installed-dev: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	@touch $@ $(VENV)/.installed

node_modules/axe-core/axe.min.js: package.json
	@if command -v npm >/dev/null 2>&1; then npm install --no-audit --no-fund --silent && touch $@; \
	 else echo "npm not found: browser accessibility checks will be skipped (or fail with REQUIRE_SERVICES=1)."; fi

# Compiled catalogues are committed, so a clone without gettext works; with msgfmt they are rebuilt.
messages:
	@if command -v msgfmt >/dev/null 2>&1; then $(BIN)/python manage.py compilemessages -v0 --ignore='.venv/*'; fi

makemessages:
	$(BIN)/python manage.py makemessages -l ko -l en --no-location --ignore='.venv/*' --ignore='node_modules/*' --ignore='var/*'
	$(BIN)/python manage.py makemessages -d djangojs -l ko -l en --no-location --ignore='.venv/*' --ignore='node_modules/*' --ignore='var/*' --ignore='static/vendor/*'

migrate:
	$(BIN)/python manage.py migrate --no-input -v0

demo:
	$(BIN)/python manage.py seed_demo

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# Mutation testing of the rule modules (issue 11); slow, so not part of `make test`. One module at a time, niced.
# `make mutate MODULES="applications.deadline core.exports"` limits it; results stay in mutants/ between runs.
MODULES ?=
mutate: $(VENV)/.installed-dev
	nice -n 10 $(BIN)/python scripts/mutation_report.py --run $(MODULES)

worker:
	$(BIN)/celery -A config worker -l info -c 2

beat:
	$(BIN)/celery -A config beat -l info

# Benchmarks (issue 12): bench/pages.py seeds its own database (portal_perf_bench by default, BENCH_DATABASE_URL)
# and prints every page as a ratio to a bare-Django floor; BENCH_PLANS=200 BENCH_ROUNDS=1 for a quick look.
# bench/surge.py replays a deadline surge (its own database portal_perf_surge, a real Celery worker on Redis db 13:
# BENCH_SURGE_BROKER_URL); BENCH_SURGE_RATE / BENCH_SURGE_SECONDS set its size. bench/pdfs.py times the decision
# notice and receipt against a WeasyPrint floor, then K notices on a real worker -c 2 (portal_perf_pdfs, Redis db 9:
# BENCH_PDF_BROKER_URL; BENCH_PDF_K=1000, BENCH_PDF_N=20; BENCH_PDF_PROFILE=1 for a cProfile). bench/upload.py sends
# 200 MB uploads through nginx and straight to gunicorn and prints each process's memory growth. bench/run.py runs
# them one after another and ends with one table of every goal (`make bench BENCH=upload` for some). One at a time.
bench: $(VENV)/.installed-dev
	$(BIN)/python bench/run.py $(BENCH)

clean:
	rm -rf $(VENV) node_modules var .pytest_cache
