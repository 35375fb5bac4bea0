#!/usr/bin/env bash
# Create or refresh the tool virtualenv.  Usage: hacking/venv.sh VENV_DIR
# Rebuilt from scratch only when the interpreter or a requirement file changes (hash kept in VENV_DIR/.stamp).
# PYTHON=/path/to/python3.X picks the interpreter; default: newest pyenv 3.12, then 3.13, then python3.12/python3.
set -euo pipefail
VENV=$1
cd "$(dirname "$0")/.."

newest() { printf '%s\n' "$@" | sort -V | tail -1; }
pick_python() {  # pyenv shims for inactive versions exist but exit 127, so try each candidate
  local c
  for c in "${PYTHON:-}" \
      "$(newest /root/.pyenv/versions/3.12.*/bin/python3.12)" \
      "$(newest /root/.pyenv/versions/3.13.*/bin/python3.13)" \
      python3.12 python3.13 python3; do
    if [ -n "$c" ] && "$c" -c 'import sys; assert sys.version_info >= (3, 12)' >/dev/null 2>&1; then
      command -v "$c"; return
    fi
  done
  echo "venv.sh: no Python >= 3.12 found (set PYTHON=...)" >&2; exit 1
}
PY=$(pick_python)

REQS=(requirements.txt tests/requirements-dev.txt)
for r in tests/unit/requirements.txt tests/integration/requirements.txt; do
  if [ -f "$r" ]; then REQS+=("$r"); fi
done
STAMP=$( { echo "$PY"; cat "${REQS[@]}"; } | sha256sum | cut -c1-16)
if [ "$(cat "$VENV/.stamp" 2>/dev/null)" = "$STAMP" ]; then exit 0; fi

echo "venv.sh: building $VENV with $PY from: ${REQS[*]}"
rm -rf "$VENV"
"$PY" -m venv "$VENV"
"$VENV/bin/python" -m pip install -q -U pip
"$VENV/bin/python" -m pip install -q "${REQS[@]/#/--requirement=}"
echo "$STAMP" > "$VENV/.stamp"
"$VENV/bin/ansible" --version | head -1
