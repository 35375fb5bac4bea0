#!/usr/bin/env bash
# Run a command in the collection copy (TREE/ansible_collections/cdnops/cdn, made by hacking/tree.sh) with the tools
# of a virtualenv.  Usage: hacking/in-tree.sh VENV_DIR COMMAND [ARGS...]
#   COMMAND sanity|units|integration runs `ansible-test COMMAND --local --python <the venv's X.Y> --color no ARGS`;
#   sanity without ARGS then runs the compile and import tests again on every other Python that runs here
#   (ansible-test skips, with a warning, each version it supports that is not found).
#   Any other COMMAND is run as given (e.g. ansible-lint).
# Needs TREE and STATE in the environment (the Makefile exports them).
#
# Side effects stay in the checkout's STATE directory: ansible-test keeps its sanity virtualenvs and the get-pip
# cache under ~/.ansible/test (a fixed path in ansible-test), so HOME is STATE/home for the command.
set -euo pipefail
REPO=$(cd "$(dirname "$0")/.." && pwd)
VENV=$(cd "$1" && pwd)
shift
: "${TREE:?}" "${STATE:?}"
COLL=$TREE/ansible_collections/cdnops/cdn
export HOME=$STATE/home ANSIBLE_COLLECTIONS_PATH=$TREE
export PATH=$VENV/bin:$PATH
mkdir -p "$HOME"
PYV=$("$VENV/bin/python" -c 'import sys; print("%d.%d" % sys.version_info[:2])')
CORE=$("$VENV/bin/python" -c 'from ansible.release import __version__; print(__version__)')

# ansible-test sanity bootstraps pip in each of its venvs with get-pip.py from ci-files.testing.ansible.com
# (unreachable offline); it first looks in ~/.ansible/test/cache/get_pip_<ver>.py, so put a stand-in there.
PIPV=$("$VENV/bin/python" - <<'PY'
import os, re, ansible_test
src = open(os.path.join(os.path.dirname(ansible_test.__file__), '_internal', 'python_requirements.py')).read()
print(re.search(r"pip='([0-9.]+)'", src).group(1).replace('.', '_'))
PY
)
SHIM=$HOME/.ansible/test/cache/get_pip_$PIPV.py
if ! grep -q ensurepip "$SHIM" 2>/dev/null; then
  mkdir -p "$(dirname "$SHIM")"
  cat > "$SHIM" <<'PY'
# Offline stand-in for get-pip.py: bootstrap pip with ensurepip, then install the pinned packages from PyPI.
import subprocess, sys
args = [a for a in sys.argv[1:] if a not in ('--no-setuptools', '--no-wheel')]
subprocess.check_call([sys.executable, '-m', 'ensurepip', '--default-pip'], stdout=subprocess.DEVNULL)
subprocess.check_call([sys.executable, '-m', 'pip', 'install', '--quiet'] + args)
PY
fi

cd "$COLL"
case $1 in
  sanity|units|integration)
    test=$1
    shift
    echo "--- ansible-test $test: ansible-core $CORE, Python $PYV${*:+, $*}"
    rc=0
    ansible-test "$test" --local --python "$PYV" --color no "$@" || rc=$?
    if [ "$test" = sanity ] && [ $# = 0 ]; then
      # Real interpreters first, and no directory whose pythonX.Y does not run (pyenv shims for inactive versions
      # exit 127, and ansible-test stops with FATAL on those).
      "$REPO/hacking/pythons.sh" link "$TREE/pybin"
      echo "--- ansible-test sanity --test compile --test import: ansible-core $CORE, every Python found"
      PATH=$VENV/bin:$TREE/pybin:$(cat "$TREE/pybin/PATH") \
        ansible-test sanity --local --test compile --test import --color no || rc=$?
    fi
    exit $rc ;;
  *)
    echo "--- $*"
    "$@" ;;
esac
