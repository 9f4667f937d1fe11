# Set-up and everyday commands. `make run` and `make test` work on a fresh Debian/Ubuntu machine:
# they install the system libraries Qt needs, create .venv and install the project into it.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
SYSSTAMP := $(VENV)/.sysdeps
# Test tools with heavy dependencies live in their own venv: case-utils brings pandas, and
# a library that finds pandas installed may import it, which would slow every start of the app.
TOOLS := .venv-tools
TOOLSTAMP := $(TOOLS)/.installed
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
# The Debian packages, one list: system-packages.txt (comments start with #).
APT_PACKAGES := $(shell sed -e 's/#.*//' system-packages.txt)
# Everything Python comes from the locks (exact versions with hashes, made by pip-compile):
# requirements.lock (the app), requirements-test.lock (the app and the test tools, same versions),
# requirements-tools.lock (.venv-tools). `make lock` adds what pyproject.toml newly asks for and
# keeps every other pin; `make upgrade-lock` moves every pin to the newest release; run
# `make test` before committing a changed lock.
PIP_INSTALL = python -m pip install -q --require-hashes --no-deps
PIPTOOLS := .venv-lock
LOCK_ENV := env -u PIP_FIND_LINKS PIP_CONFIG_FILE=/dev/null
COMPILE = $(LOCK_ENV) $(PIPTOOLS)/bin/pip-compile -q --generate-hashes --allow-unsafe \
	--strip-extras --no-emit-index-url

.PHONY: run test lint check sysdeps app venv tools lock upgrade-lock bench screenshots clean

run: app
	$(BIN)/pwb gui

# The suite on every core (pytest-xdist): each worker process has its own session and Qt
# application; a module's tests stay on one worker (`loadscope`), so the module fixtures that
# build a case or the demo are built once, as in one process. PYTEST_ARGS adds options
# (`make test PYTEST_ARGS="-p no:randomly tests/ui"`).
PYTEST_ARGS ?=
test: venv tools
	PWB_CASE_VALIDATE=$(CURDIR)/$(TOOLS)/bin/case_validate QT_QPA_PLATFORM=offscreen \
		$(BIN)/python -m pytest -q -n auto --dist loadscope $(PYTEST_ARGS)

lint: venv
	$(BIN)/ruff check .
	$(BIN)/ruff format --check app forensics geoloc ui tests bench
	$(BIN)/mypy app forensics geoloc ui
	$(BIN)/lint-imports

check: test lint

sysdeps: $(SYSSTAMP)
$(SYSSTAMP): system-packages.txt
	@if command -v apt-get >/dev/null 2>&1; then \
		missing=$$(for p in $(APT_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
		if [ -n "$$missing" ]; then \
			$(SUDO) apt-get update -qq && \
			DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends $$missing; \
		fi; \
	else echo "no apt-get: install the Qt runtime libraries and xvfb with your package manager"; fi
	@mkdir -p $(VENV) && touch $@

# The app alone (make run), then the test tools on top (make test, make lint): same pins.
APPSTAMP := $(VENV)/.installed-app
app: sysdeps $(APPSTAMP)
$(APPSTAMP): requirements.lock pyproject.toml
	@[ -x $(BIN)/python ] || $(PY) -m venv $(VENV)
	$(BIN)/$(PIP_INSTALL) -r requirements.lock
	$(BIN)/python -m pip install -q --no-deps --no-build-isolation -e .
	@touch $@

venv: app $(STAMP)
$(STAMP): requirements-test.lock $(APPSTAMP)
	$(BIN)/$(PIP_INSTALL) -r requirements-test.lock
	@touch $@

tools: $(TOOLSTAMP)
$(TOOLSTAMP): requirements-tools.lock
	@[ -x $(TOOLS)/bin/python ] || $(PY) -m venv $(TOOLS)
	$(TOOLS)/bin/$(PIP_INSTALL) -r requirements-tools.lock
	@touch $@

$(PIPTOOLS)/bin/pip-compile:
	$(PY) -m venv $(PIPTOOLS)
	$(PIPTOOLS)/bin/python -m pip install -q 'pip-tools==7.7.0'

lock: $(PIPTOOLS)/bin/pip-compile
	$(COMPILE) -o requirements.lock pyproject.toml requirements-build.in
	$(COMPILE) --extra test -c requirements.lock -o requirements-test.lock pyproject.toml \
		requirements-build.in
	$(COMPILE) -o requirements-tools.lock requirements-tools.in requirements-build.in

upgrade-lock: $(PIPTOOLS)/bin/pip-compile
	$(COMPILE) --upgrade -o requirements.lock pyproject.toml requirements-build.in
	$(COMPILE) --upgrade --extra test -c requirements.lock -o requirements-test.lock \
		pyproject.toml requirements-build.in
	$(COMPILE) --upgrade -o requirements-tools.lock requirements-tools.in requirements-build.in
	@echo "Locks upgraded: run make test before committing them."

bench: venv
	$(BIN)/python bench/ingest.py

screenshots: venv
	$(BIN)/python docs/make_screenshots.py
	# The five user stories at 1366x768, as their tests drive them (tests/ui/test_stories.py),
	# and the team story on the suite's own PostgreSQL server (tests/ui/test_team_story.py).
	PWB_STORY_SHOTS=docs/screenshots QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest -q -p no:randomly -p no:xdist tests/ui/test_stories.py tests/ui/test_team_story.py

clean:
	rm -rf $(VENV) $(TOOLS) $(PIPTOOLS) .pytest_cache .mypy_cache .ruff_cache
