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
APT_PACKAGES := libegl1 libgl1 libxkbcommon0 libxkbcommon-x11-0 libfontconfig1 libfreetype6 \
	libdbus-1-3 libglib2.0-0 libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxcb-shape0 \
	libxcb-xinerama0 libxcb-randr0 libxcb-render-util0 libxcb-image0 libxcb-xkb1 libx11-xcb1 \
	fonts-dejavu-core xvfb xauth dosfstools mtools e2fsprogs ewf-tools gdisk ntfs-3g

.PHONY: run test lint check sysdeps venv tools bench screenshots clean

run: venv
	$(BIN)/pwb gui

test: venv tools
	PWB_CASE_VALIDATE=$(CURDIR)/$(TOOLS)/bin/case_validate QT_QPA_PLATFORM=offscreen \
		$(BIN)/python -m pytest -q

lint: venv
	$(BIN)/ruff check .
	$(BIN)/ruff format --check app forensics geoloc ui tests bench
	$(BIN)/mypy app forensics geoloc ui
	$(BIN)/lint-imports

check: test lint

sysdeps: $(SYSSTAMP)
$(SYSSTAMP):
	@if command -v apt-get >/dev/null 2>&1; then \
		missing=$$(for p in $(APT_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
		if [ -n "$$missing" ]; then \
			$(SUDO) apt-get update -qq && \
			DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends $$missing; \
		fi; \
	else echo "no apt-get: install the Qt runtime libraries and xvfb with your package manager"; fi
	@mkdir -p $(VENV) && touch $@

venv: sysdeps $(STAMP)
$(STAMP): pyproject.toml
	@[ -x $(BIN)/python ] || $(PY) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[test]'
	@touch $@

tools: $(TOOLSTAMP)
$(TOOLSTAMP):
	@[ -x $(TOOLS)/bin/python ] || $(PY) -m venv $(TOOLS)
	$(TOOLS)/bin/python -m pip install -q --upgrade pip
	$(TOOLS)/bin/python -m pip install -q 'case-utils>=0.15'
	@touch $@

bench: venv
	$(BIN)/python bench/ingest.py

screenshots: venv
	$(BIN)/python docs/make_screenshots.py

clean:
	rm -rf $(VENV) $(TOOLS) .pytest_cache .mypy_cache .ruff_cache
