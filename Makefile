# Two commands: `make run` serves the site, `make test` runs every check.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000
export ARCHIVE_DATA_DIR ?= $(CURDIR)/var
# The general German-English word list (Ding, Debian's trans-de-en), from which build_dictionary
# derives the archive's dictionary (docs/search.md, "Across languages: vocabularies").
TRANS_DE_EN := /usr/share/trans/de-en
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: run test test-sqlite test-postgres lint setup browser-deps citeproc-deps citeproc-renderer java messages

$(VENV)/.installed: requirements.txt requirements-dev.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@

setup: $(VENV)/.installed

run: setup $(TRANS_DE_EN) citeproc-renderer
	mkdir -p "$(ARCHIVE_DATA_DIR)"
	$(PY) manage.py start 127.0.0.1:$(PORT)

lint: setup
	$(VENV)/bin/ruff check .

# The whole suite twice: on SQLite, then on PostgreSQL (DATABASE_URL, or a throwaway local server).
test: lint browser-deps $(TRANS_DE_EN) test-sqlite test-postgres

test-sqlite: setup citeproc-deps
	env -u DATABASE_URL $(PY) -m pytest

test-postgres: setup citeproc-deps
	scripts/with-postgres $(PY) -m pytest -m "not browser"

# The citation tests compare our APA, MLA and Chicago text with citeproc-js's (npm), run by Node.
CITEPROC := tests/citeproc/node_modules/citeproc/package.json

citeproc-deps: $(CITEPROC) citeproc-renderer

# The site writes citations in other CSL styles with citeproc-js, run by Node (archive/citeproc_renderer.py).
CITEPROC_RENDERER := archive/citeproc_js/node_modules/citeproc/package.json

citeproc-renderer: $(CITEPROC_RENDERER)

$(CITEPROC_RENDERER): archive/citeproc_js/package.json archive/citeproc_js/package-lock.json
	command -v npm >/dev/null || { $(SUDO) apt-get update && $(SUDO) apt-get install -y --no-install-recommends npm; }
	cd archive/citeproc_js && npm ci --no-audit --no-fund --omit=dev
	touch $@

$(CITEPROC): tests/citeproc/package.json tests/citeproc/package-lock.json
	command -v npm >/dev/null || { $(SUDO) apt-get update && $(SUDO) apt-get install -y --no-install-recommends npm; }
	cd tests/citeproc && npm ci --no-audit --no-fund
	touch $@

# Browser tests drive Debian's Chromium through Playwright (no browser download) and
# check pages with axe-core from npm; the HTML check runs the Nu checker (vnu-jar, npm) on
# Java. Quick when everything is already there.
CHROMIUM := /usr/bin/chromium
AXE := tests/browser/node_modules/axe-core/axe.min.js
VNU := tests/browser/node_modules/vnu-jar/build/dist/vnu.jar

$(TRANS_DE_EN):
	$(SUDO) apt-get update
	$(SUDO) apt-get install -y --no-install-recommends trans-de-en

browser-deps: $(CHROMIUM) $(AXE) $(VNU) java

# The Nu HTML Checker (tests/test_html_valid.py) is a Java program.
java:
	command -v java >/dev/null || { $(SUDO) apt-get update && $(SUDO) apt-get install -y --no-install-recommends default-jre-headless; }

$(CHROMIUM):
	$(SUDO) apt-get update
	$(SUDO) apt-get install -y --no-install-recommends chromium fonts-dejavu-core

$(AXE) $(VNU): tests/browser/package.json tests/browser/package-lock.json
	command -v npm >/dev/null || { $(SUDO) apt-get update && $(SUDO) apt-get install -y --no-install-recommends npm; }
	cd tests/browser && npm ci --no-audit --no-fund
	touch $@

# Interface strings: extract into locale/*/django.po, then compile the .mo files that are
# committed beside them (so running the site needs no gettext tools).
messages: setup
	$(PY) manage.py makemessages --locale de --ignore ".venv/*" --ignore "tests/*" --no-obsolete
	$(PY) manage.py compilemessages --locale de --ignore ".venv/*"
