# The two commands a new user needs: `make run` and `make test`. See README.md.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
FLASK  := $(VENV)/bin/flask --app quiz
STAMP  := $(VENV)/.installed-$(shell cat requirements.txt requirements-dev.txt | cksum | cut -d' ' -f1)
PORT   ?= 8000

.PHONY: install translations run test test-sqlite lint bench bench-scale screenshots messages clean

install: $(STAMP) translations

$(STAMP):
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	rm -f $(VENV)/.installed-*
	touch $@

# Compiled catalogs (.mo) are build output, made from the .po files we keep.
translations: $(STAMP)
	@$(VENV)/bin/pybabel compile -d translations

# Set-up, demo data on first run, then the server (SQLite under instance/ unless DATABASE_URL).
run: install
	@mkdir -p instance
	$(FLASK) init-db
	$(FLASK) seed-demo --if-empty
	@echo "Serving on http://127.0.0.1:$(PORT)  (Ctrl-C stops)"
	PORT=$(PORT) exec $(VENV)/bin/gunicorn -c gunicorn.conf.py wsgi:app

# The whole suite on SQLite, then again on PostgreSQL (skipped loudly when there is none).
test: install
	@scripts/run-tests

test-sqlite: install
	$(PY) -m pytest -q

# Submit throughput against a bare Flask endpoint on the same gunicorn config (see bench/).
bench: install
	$(PY) bench/run.py
	$(PY) bench/import_bank.py

# A county's month at full size (1.9 M attempts) against one 100 times smaller (see bench/).
bench-scale: install
	$(PY) bench/scale.py

lint: install
	$(VENV)/bin/ruff check .

# Phone-sized screenshots of the participant's pages (needs Debian's chromium).
screenshots: install
	$(PY) scripts/screenshots.py

# Refresh the message catalogs after changing user-facing strings.
messages: $(STAMP)
	$(VENV)/bin/pybabel extract -F babel.cfg -k _l -k N_ -o translations/messages.pot --no-location --sort-output .
	$(VENV)/bin/pybabel update -i translations/messages.pot -d translations --no-fuzzy-matching --ignore-obsolete

clean:
	rm -rf $(VENV) .pytest_cache
