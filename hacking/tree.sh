#!/usr/bin/env bash
# Copy the collection to TREE/ansible_collections/cdnops/cdn, where ansible-test and ansible-lint need it
# (a symlink does not do: ansible-test resolves the physical directory).  Usage: hacking/tree.sh TREE
# Copies what git would track (tracked + untracked-but-not-ignored files), so stray outputs stay out.
# The tree lives outside the repo: a tree inside it would confuse ansible-test's git-based file discovery.
set -euo pipefail
TREE=$1
cd "$(dirname "$0")/.."
DEST=$TREE/ansible_collections/cdnops/cdn

rm -rf "$DEST"
mkdir -p "$DEST"
if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
  git ls-files -z --cached --others --exclude-standard | tar --null -T - -cf - | tar -xf - -C "$DEST"
else
  tar --exclude=./.git --exclude=./.venv --exclude=./.venv-oldest --exclude=./.cache --exclude=./tests/output \
      --exclude=./.ansible --exclude='__pycache__' -cf - . | tar -xf - -C "$DEST"
fi
