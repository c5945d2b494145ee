# edugov — make demo | make test | make lint | make bench
SHELL := /bin/bash
.DEFAULT_GOAL := help
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml constraints.txt 2>/dev/null | sha1sum | cut -c1-12)
HOST ?= 127.0.0.1
PORT ?= 8000
SCALE ?= small
export DJANGO_SETTINGS_MODULE ?= edugov.config.settings.dev

.PHONY: help venv demo serve test test-sqlite test-postgres lint bench lock clean-demo messages

help:
	@echo "make demo   - install, migrate, build the demo province and serve it on http://$(HOST):$(PORT)"
	@echo "make test   - run the whole test suite on SQLite and on PostgreSQL"
	@echo "make lint   - ruff and makemigrations --check"
	@echo "make bench  - print benchmark figures (bench <name> <value> <unit>);"
	@echo "              BENCH_REGISTRY_FLAGS='--with-1m --province' adds the long registry runs"

# Find a Python >= 3.12: $PYTHON, then python3.13/3.12 on PATH, then pyenv's installs.
$(VENV)/bin/python:
	@set -e; py="$$(tools/find-python)"; \
	echo "Using $$py ($$($$py --version))"; \
	"$$py" -m venv $(VENV)

$(STAMP): $(VENV)/bin/python pyproject.toml constraints.txt
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -c constraints.txt -e '.[dev]'
	@rm -f $(VENV)/.installed-*; touch $@

venv: $(STAMP)

demo: venv
	@ldconfig -p 2>/dev/null | grep -q libpangoft2-1.0 && fc-list 2>/dev/null | grep -q "Noto Serif CJK SC" || { \
	  echo "Signed PDFs need Pango and Chinese fonts: apt-get install libpango-1.0-0 libpangoft2-1.0-0" \
	       "libharfbuzz-subset0 fonts-noto-cjk fonts-lxgw-wenkai poppler-utils"; exit 1; }
	@fc-list 2>/dev/null | grep -q "Noto Naskh Arabic" || \
	  echo "Note: the Uyghur and Kyrgyz portal pages look best with apt-get install fonts-noto-core"
	@mkdir -p var
	$(PY) manage.py migrate --noinput --verbosity 0
	$(PY) manage.py collectstatic --noinput --verbosity 0
	$(PY) manage.py populate_demo --scale $(SCALE) --url http://$(HOST):$(PORT)/
	$(PY) manage.py run_node --host $(HOST) --port $(PORT)

serve: venv
	$(PY) manage.py run_node --host $(HOST) --port $(PORT)

test: venv
	tools/run-tests

test-sqlite: venv
	tools/run-tests sqlite

test-postgres: venv
	tools/run-tests postgres

lint: venv
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	DJANGO_SETTINGS_MODULE=edugov.config.settings.test $(PY) manage.py makemigrations --check --dry-run

bench: venv
	DJANGO_SETTINGS_MODULE=edugov.config.settings.test $(PY) -m tools.bench
	$(PY) -m tools.bench_registry $(BENCH_REGISTRY_FLAGS)
	DJANGO_SETTINGS_MODULE=edugov.config.settings.test $(PY) -m tools.bench_office
	$(PY) -m tools.bench_office_flow
	DJANGO_SETTINGS_MODULE=edugov.config.settings.test $(PY) -m tools.bench_portal

# Refresh constraints.txt from what is installed (run after changing dependencies).
lock: venv
	$(PY) -m pip freeze --exclude-editable | grep -v '^-e ' > constraints.txt

# zh_Hans: every string; ug and ky_Arab: the public portal's (python -m tools.portal_messages).
messages: venv
	cd edugov && ../$(PY) ../manage.py makemessages -l zh_Hans -l ug -l ky_Arab --no-obsolete --ignore 'static/*'
	cd edugov && ../$(PY) ../manage.py compilemessages -l zh_Hans -l ug -l ky_Arab

clean-demo:
	rm -rf var
