#!/usr/bin/env bash
# Create or refresh a tool virtualenv with pinned versions.  Usage: hacking/venv.sh newest|oldest VENV_DIR
#
#   newest  the newest ansible-core and every tool (`make test`, `make demo`, `make docs`):
#           requirements.txt, tests/requirements-dev.txt and, where they exist, tests/unit/requirements.txt,
#           tests/integration/requirements.txt and tests/sandbox/requirements.txt; pinned by tests/constraints.txt
#   oldest  the oldest ansible-core that meta/runtime.yml claims, for a second sanity and units pass:
#           tests/requirements-oldest.txt and tests/unit/requirements.txt; pinned by tests/constraints-oldest.txt
#
# The venv is rebuilt from scratch only when the interpreter, this script, a requirement file or the constraints
# change (hash kept in VENV_DIR/.stamp).  PYTHON=/path/to/python picks the interpreter; by default the first of the
# profile's Python versions that runs (hacking/pythons.sh finds them by running each candidate).
#
# UPDATE=1 resolves without the constraints (newest versions allowed by the requirement files) and rewrites the
# constraints file from what was installed (pip freeze --all); review and commit the diff.
set -euo pipefail
PROFILE=$1 VENV=$2
cd "$(dirname "$0")/.."

case $PROFILE in
  newest)   # ansible-core 2.20+ needs Python 3.12+ on the controller
    VERSIONS=(3.12 3.13 3.14)
    CONSTRAINTS=tests/constraints.txt
    REQS=(requirements.txt tests/requirements-dev.txt)
    for r in tests/unit/requirements.txt tests/integration/requirements.txt tests/sandbox/requirements.txt; do
      if [ -f "$r" ]; then REQS+=("$r"); fi
    done ;;
  oldest)   # ansible-core 2.18 runs its controller on Python 3.11-3.13; the oldest of those that runs
    VERSIONS=(3.11 3.12 3.13)
    CONSTRAINTS=tests/constraints-oldest.txt
    REQS=(tests/requirements-oldest.txt)
    if [ -f tests/unit/requirements.txt ]; then REQS+=(tests/unit/requirements.txt); fi ;;
  *) echo "usage: $0 newest|oldest VENV_DIR" >&2; exit 2 ;;
esac

if [ -n "${PYTHON:-}" ]; then
  PY=$(command -v "$PYTHON")
else
  PY=$(hacking/pythons.sh find "${VERSIONS[@]}") || {
    echo "venv.sh: no working Python ${VERSIONS[*]} found (set PYTHON=/path/to/python3.X)" >&2; exit 1; }
fi

STAMP=$( { echo "$PY ${UPDATE:-0}"; cat hacking/venv.sh "${REQS[@]}" "$CONSTRAINTS"; } | sha256sum | cut -c1-16)
if [ "$(cat "$VENV/.stamp" 2>/dev/null)" = "$STAMP" ]; then exit 0; fi

echo "venv.sh: building $VENV ($PROFILE) with $PY from ${REQS[*]}"
rm -rf "$VENV"
"$PY" -m venv "$VENV"
pip=("$VENV/bin/python" -m pip --disable-pip-version-check)
if [ "${UPDATE:-0}" = 1 ]; then
  "${pip[@]}" install -q -U pip
  "${pip[@]}" install -q "${REQS[@]/#/--requirement=}"
  {
    echo "# Exact versions for hacking/venv.sh $PROFILE ($("$VENV/bin/python" -V), $(date -u +%Y-%m-%d))."
    echo "# Regenerate: UPDATE=1 hacking/venv.sh $PROFILE DIR (or make constraints); review and commit the diff."
    "${pip[@]}" freeze --all --exclude-editable | LC_ALL=C sort -f
  } > "$CONSTRAINTS"
  echo "venv.sh: wrote $CONSTRAINTS"
else
  "${pip[@]}" install -q -U pip --constraint="$CONSTRAINTS"
  "${pip[@]}" install -q "${REQS[@]/#/--requirement=}" --constraint="$CONSTRAINTS"
fi
echo "$STAMP" > "$VENV/.stamp"
# (not `ansible --version | head -1`: under pipefail, ansible's EPIPE on the closed pipe failed the build)
echo "venv.sh: $("$VENV/bin/python" -c 'import sys; from ansible.release import __version__ as v
print("ansible-core %s, Python %d.%d" % ((v,) + sys.version_info[:2]))')"
