# Two commands: `make run` serves the site, `make test` runs every check.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000
export ARCHIVE_DATA_DIR ?= $(CURDIR)/var

.PHONY: run test lint setup

$(VENV)/.installed: requirements.txt requirements-dev.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@

setup: $(VENV)/.installed

run: setup
	mkdir -p "$(ARCHIVE_DATA_DIR)"
	$(PY) manage.py migrate --noinput
	$(PY) manage.py load_content
	$(PY) manage.py rebuild_index
	$(PY) manage.py runserver 127.0.0.1:$(PORT)

lint: setup
	$(VENV)/bin/ruff check .

test: setup lint
	$(PY) -m pytest
