# cdnops.cdn developer tasks.  `make help` lists them.
#
# Tools live in virtualenvs built by hacking/venv.sh with the exact versions of a constraints file, rebuilt only
# when a requirement or constraints file changes:
#   .venv         (VENV=...)         the newest ansible-core and every tool: tests/requirements-dev.txt, tests/constraints.txt
#   .venv-oldest  (OLDEST_VENV=...)  the oldest ansible-core meta/runtime.yml claims: tests/requirements-oldest.txt,
#                                    tests/constraints-oldest.txt; `make sanity` and `make units` run on both
# ansible-test needs the collection at .../ansible_collections/cdnops/cdn, so the test targets copy it to $(COLL)
# (outside the repo, TREE=...) with hacking/tree.sh and run there (hacking/in-tree.sh).
# Pass extra arguments with ARGS, e.g.  make sanity ARGS='--test pep8'   make units ARGS='-v'
# and pick the ansible-core versions with CORES, e.g.  make units CORES=newest
#
# Side effects stay in the checkout (.venv, .venv-oldest, .cache/) and in $(TREE): the variables below send the
# caches and temporary files of pip, ansible, ansible-test, ansible-lint and antsibull there, not into $HOME.

SHELL := bash
VENV        ?= .venv
OLDEST_VENV ?= .venv-oldest
override VENV        := $(abspath $(VENV))
override OLDEST_VENV := $(abspath $(OLDEST_VENV))
TREE  ?= $(or $(TMPDIR),/tmp)/cdnops-cdn-$(shell printf %s '$(CURDIR)' | cksum | cut -d' ' -f1)
COLL  := $(TREE)/ansible_collections/cdnops/cdn
CORES ?= newest oldest
ARGS  ?=

export TREE
export STATE               := $(CURDIR)/.cache
export PIP_CACHE_DIR       := $(STATE)/pip
export XDG_CACHE_HOME      := $(STATE)/xdg/cache
export XDG_DATA_HOME       := $(STATE)/xdg/data
export XDG_STATE_HOME      := $(STATE)/xdg/state
export ANSIBLE_HOME        := $(STATE)/ansible
export ANSIBLE_LOCAL_TEMP  := $(STATE)/ansible/tmp
export ANSIBLE_REMOTE_TEMP := $(STATE)/ansible/remote_tmp
# pip runs `rustc --version` for its user agent; without a ~/.rustup, rustup's rustc proxy would create
# ~/.rustup/settings.toml (and find no toolchain either way)
ifeq ($(origin RUSTUP_HOME)$(wildcard $(HOME)/.rustup),undefined)
export RUSTUP_HOME := $(STATE)/rustup
endif

IN_TREE  = hacking/in-tree.sh
# the venv of each name in CORES, for a shell loop: "$${!core}"
CORE_VENVS = newest='$(VENV)' oldest='$(OLDEST_VENV)'

IN_REPO  = export PATH='$(VENV)/bin':"$$PATH" ANSIBLE_COLLECTIONS_PATH='$(TREE)' &&

.PHONY: help venv venv-newest venv-oldest constraints tree test lint sanity units sandbox-tests integration \
        demo bench docs build clean distclean

help:  ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed 's/:.*## /\t/' | expand -t 16

venv: venv-newest  ## create or refresh the tool virtualenv (.venv)

venv-newest:
	@hacking/venv.sh newest '$(VENV)'

venv-oldest:  ## create or refresh the oldest-ansible-core virtualenv (.venv-oldest)
	@hacking/venv.sh oldest '$(OLDEST_VENV)'

constraints:  ## re-resolve the newest versions and rewrite tests/constraints*.txt (review the diff)
	UPDATE=1 hacking/venv.sh newest '$(VENV)'
	UPDATE=1 hacking/venv.sh oldest '$(OLDEST_VENV)'
	rm -f '$(VENV)/.stamp' '$(OLDEST_VENV)/.stamp'

tree:  ## copy the collection to $TREE/ansible_collections/cdnops/cdn
	@hacking/tree.sh '$(TREE)'

test: venv-newest $(addprefix venv-,$(CORES))  ## every stage: lint sanity units sandbox-tests integration
	@failed=; t0=$$SECONDS; for s in lint sanity units sandbox-tests integration; do \
	  echo "=== make $$s"; \
	  TIMEFORMAT="=== make $$s: %0Rs (CPU: %0Us user, %0Ss system)"; \
	  time $(MAKE) --no-print-directory $$s || failed="$$failed $$s"; \
	done 2>&1; \
	if [ -n "$$failed" ]; then echo "=== FAILED:$$failed ($$((SECONDS - t0))s)"; exit 1; fi; \
	echo "=== all stages passed ($$((SECONDS - t0))s)"

lint: venv-newest tree  ## ansible-lint (production, offline), antsibull-docs and antsibull-changelog lint
	@rc=0; \
	$(IN_TREE) '$(VENV)' ansible-lint --offline --profile production $(ARGS) || rc=1; \
	$(IN_TREE) '$(VENV)' antsibull-docs lint-collection-docs --plugin-docs . || rc=1; \
	$(IN_TREE) '$(VENV)' antsibull-changelog lint || rc=1; \
	exit $$rc

sanity: $(addprefix venv-,$(CORES)) tree  ## ansible-test sanity per CORES (and compile/import on every Python found)
	@$(CORE_VENVS); rc=0; for core in $(CORES); do \
	  $(IN_TREE) "$${!core}" sanity $(ARGS) || rc=1; \
	done; exit $$rc

units: $(addprefix venv-,$(CORES)) tree  ## ansible-test units per CORES
	@if [ ! -d tests/unit ]; then echo "no tests/unit: skipped"; exit 0; fi; \
	$(CORE_VENVS); rc=0; for core in $(CORES); do \
	  $(IN_TREE) "$${!core}" units $(ARGS) || rc=1; \
	done; exit $$rc

sandbox-tests: venv-newest  ## the sandbox's own tests (pytest tests/sandbox/tests)
	@if [ ! -d tests/sandbox/tests ]; then echo "no tests/sandbox/tests: skipped"; exit 0; fi; \
	$(IN_REPO) python -m pytest -p no:cacheprovider -q tests/sandbox/tests $(ARGS)

integration: venv-newest tree  ## ansible-test integration (newest ansible-core)
	@if [ ! -d tests/integration/targets ]; then echo "no tests/integration/targets: skipped"; exit 0; fi; \
	$(IN_TREE) '$(VENV)' integration $(ARGS)

demo: venv-newest tree  ## run the demo against the sandbox (demo/run.sh)
	$(IN_REPO) bash demo/run.sh $(ARGS)

bench: venv-newest tree  ## run the benchmark (tests/bench/run.py)
	$(IN_REPO) python tests/bench/run.py $(ARGS)

docs: venv-newest tree  ## generate the module reference into docs/reference/
	rm -rf docs/reference && mkdir -p docs/reference
	$(IN_TREE) '$(VENV)' antsibull-docs collection --use-current --output-format simplified-rst --squash-hierarchy \
	  --dest-dir '$(CURDIR)/docs/reference' cdnops.cdn

build: venv-newest tree  ## build the collection tarball into dist/
	$(IN_TREE) '$(VENV)' ansible-galaxy collection build --force --output-path '$(CURDIR)/dist'

clean:  ## remove the test tree, dist/ and tool output (keeps the virtualenvs and .cache)
	rm -rf '$(TREE)' dist tests/output .ansible changelogs/.plugin-cache.yaml demo/output

distclean: clean  ## also remove the virtualenvs and .cache
	rm -rf '$(VENV)' '$(OLDEST_VENV)' .cache
