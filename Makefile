# cdnops.cdn developer tasks.  `make help` lists them.
#
# Tools live in a virtualenv at .venv (VENV=...), built by hacking/venv.sh from tests/requirements-dev.txt
# (+ requirements.txt, tests/unit/requirements.txt, tests/integration/requirements.txt) and rebuilt only
# when one of those files changes.  ansible-test needs the collection at .../ansible_collections/cdnops/cdn,
# so the test targets copy it to $(COLL) (outside the repo, TREE=...) with hacking/tree.sh and run there.
# Pass extra arguments with ARGS, e.g.  make sanity ARGS='--test pep8'   make units ARGS='-v'

SHELL := bash
VENV  ?= .venv
override VENV := $(abspath $(VENV))
TREE  ?= $(or $(TMPDIR),/tmp)/cdnops-cdn-$(shell printf %s '$(CURDIR)' | cksum | cut -d' ' -f1)
COLL  := $(TREE)/ansible_collections/cdnops/cdn
ARGS  ?=
# Python X.Y of the venv, looked up when a recipe runs (after the venv exists)
PYV    = $(shell '$(VENV)/bin/python' -c 'import sys; print("%d.%d" % sys.version_info[:2])')
# prefix for commands run in the collection tree with the venv's tools
IN_TREE = cd '$(COLL)' && export PATH='$(VENV)/bin':"$$PATH" ANSIBLE_COLLECTIONS_PATH='$(TREE)' &&
IN_REPO = export PATH='$(VENV)/bin':"$$PATH" ANSIBLE_COLLECTIONS_PATH='$(TREE)' &&

.PHONY: help venv tree test lint sanity units integration demo bench docs build clean distclean

help:  ## list the targets
	@grep -E '^[a-z]+:.*## ' $(MAKEFILE_LIST) | sed 's/:.*## /\t/' | expand -t 14

venv:  ## create or refresh the tool virtualenv (.venv)
	@hacking/venv.sh '$(VENV)'

tree: venv  ## copy the collection to $TREE/ansible_collections/cdnops/cdn
	@hacking/tree.sh '$(TREE)' '$(VENV)'

test: venv  ## run every stage (lint sanity units integration); fails if any failed
	@failed=; for s in lint sanity units integration; do \
	  t=$$SECONDS; echo "=== make $$s"; \
	  $(MAKE) --no-print-directory $$s || failed="$$failed $$s"; \
	  echo "=== make $$s: $$((SECONDS - t))s"; \
	done; \
	if [ -n "$$failed" ]; then echo "=== FAILED:$$failed"; exit 1; fi; echo "=== all stages passed"

lint: tree  ## ansible-lint (production profile, offline) + antsibull-docs lint-collection-docs
	$(IN_TREE) rc=0; \
	ansible-lint --offline --profile production $(ARGS) || rc=1; \
	antsibull-docs lint-collection-docs --plugin-docs . || rc=1; \
	exit $$rc

sanity: tree  ## ansible-test sanity (compile and import also on every other Python found)
	$(IN_TREE) ansible-test sanity --local --python $(PYV) --color no $(ARGS)
	$(IN_TREE) PATH='$(TREE)/pybin':"$$PATH" ansible-test sanity --local --test compile --test import --color no

units: tree  ## ansible-test units
	@if [ ! -d tests/unit ]; then echo "no tests/unit: skipped"; exit 0; fi; \
	$(IN_TREE) ansible-test units --local --python $(PYV) --color no $(ARGS)

integration: tree  ## ansible-test integration
	@if [ ! -d tests/integration/targets ]; then echo "no tests/integration/targets: skipped"; exit 0; fi; \
	$(IN_TREE) ansible-test integration --local --python $(PYV) --color no $(ARGS)

demo: tree  ## run the demo against the sandbox (demo/run.sh)
	$(IN_REPO) bash demo/run.sh $(ARGS)

bench: tree  ## run the benchmark (tests/bench/run.py)
	$(IN_REPO) python tests/bench/run.py $(ARGS)

docs: tree  ## generate the module reference into docs/reference/
	rm -rf docs/reference && mkdir -p docs/reference
	$(IN_TREE) antsibull-docs collection --use-current --output-format simplified-rst --squash-hierarchy \
	  --dest-dir '$(CURDIR)/docs/reference' cdnops.cdn

build: tree  ## build the collection tarball into dist/
	$(IN_TREE) ansible-galaxy collection build --force --output-path '$(CURDIR)/dist'

clean:  ## remove the test tree, dist/ and tool output (keeps .venv)
	rm -rf '$(TREE)' dist tests/output .ansible changelogs/.plugin-cache.yaml

distclean: clean  ## also remove .venv
	rm -rf '$(VENV)'
