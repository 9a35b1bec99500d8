# Two commands do all set-up on a fresh machine: `make report` and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

.PHONY: install report test lab clean

# (Re)install when the package's dependencies change; the stamp saves minutes on every later run.
$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "wsp-analysis needs Python 3.11 or newer; set PYTHON=python3.11")'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@echo "Installing wsp-analysis and its dependencies into $(VENV) (about a minute the first time)"
	$(BIN)/python -m pip install -qq --disable-pip-version-check -e '.[test,distributed]'
	$(BIN)/python -c 'import matplotlib.pyplot'  # build the font cache once, not inside a timed run
	touch $(STAMP)

install: $(STAMP)

report: $(STAMP)
	$(BIN)/wsp-analysis report params/walsall/2023-24.yaml

test: $(STAMP)
	$(BIN)/python -m pytest

lab: $(STAMP)
	$(BIN)/jupyter lab notebooks/

clean:
	rm -rf $(VENV) reports .pytest_cache
