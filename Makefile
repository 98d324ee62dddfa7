# Two commands do everything (see README.md):
#   make run   set up and serve the site on http://127.0.0.1:8000 (SQLite, seed content)
#   make test  set up and run the whole test suite (real Chromium included)
# A second run is quick: packages are reinstalled only when a requirements file changes.
# The site needs requirements.txt; the suite adds requirements-dev.txt (pytest, Playwright, ruff).

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-requirements
DEV_STAMP := $(VENV)/.installed-requirements-dev

.PHONY: run test setup chromium

$(STAMP): requirements.txt
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 or newer is needed (found %s)." % sys.version.split()[0])'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.txt
	cp requirements.txt $(STAMP)

$(DEV_STAMP): $(STAMP) requirements-dev.txt requirements-sentry.txt
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	cp requirements-dev.txt $(DEV_STAMP)

setup: $(STAMP)
	DEBUG=$${DEBUG:-true} $(BIN)/python manage.py migrate --noinput
	DEBUG=$${DEBUG:-true} $(BIN)/python manage.py load_seed_content

run: setup
	@echo ""
	@echo "Site: http://127.0.0.1:8000/   Admin: http://127.0.0.1:8000/admin/"
	@echo "To create an admin user, run in another terminal: $(BIN)/python manage.py createsuperuser"
	@echo ""
	@# The background worker (edition imports) runs beside the server and stops with it.
	DEBUG=$${DEBUG:-true} $(BIN)/python manage.py db_worker & worker=$$!; \
	trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	DEBUG=$${DEBUG:-true} $(BIN)/python manage.py runserver 127.0.0.1:8000

# Browser tests drive Debian's Chromium, the catalogue checks run gettext's msgfmt, the HTML
# checks run the Nu HTML Checker on Java and the XLIFF checks read the OASIS XLIFF 1.2 schema
# that Debian ships in php-symfony-translation; install them when we can, otherwise say what to do.
XLIFF_XSD := /usr/share/php/Symfony/Component/Translation/Resources/schemas/xliff-core-1.2-strict.xsd

chromium:
	@test -x /usr/bin/chromium && command -v msgfmt >/dev/null && command -v java >/dev/null && test -f $(XLIFF_XSD) || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "Installing Debian's chromium, gettext, Java and the XLIFF schema for the tests..."; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium gettext default-jre-headless php-symfony-translation >/dev/null; \
	  else \
	    echo "The tests need Chromium at /usr/bin/chromium, gettext's msgfmt, Java and the XLIFF 1.2 schema: install them with 'sudo apt-get install chromium gettext default-jre-headless php-symfony-translation', then run make test again."; \
	    exit 1; \
	  fi; }

# Worker processes (pytest-xdist), each test file whole on one of them, files with slow tests
# first (tests/conftest.py; xdist would otherwise order files by their number of tests, which
# put the longest ones last). "auto" is three (most tests wait on Chromium or on servers they
# start, so three share a 2-core machine well), one process for the several-servers tests
# (tests/conftest.py); TEST_WORKERS=0 runs in one.
TEST_WORKERS ?= auto

test: $(DEV_STAMP) chromium
	$(BIN)/ruff check .
	SECRET_KEY=$${SECRET_KEY:-test-only-secret-key-not-for-production} $(BIN)/python -m pytest -n $(TEST_WORKERS) --dist loadfile --no-loadscope-reorder $(PYTEST_ARGS)
