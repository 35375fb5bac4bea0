#!/usr/bin/env bash
# Copy the collection to TREE/ansible_collections/cdnops/cdn, where ansible-test and ansible-lint need it.
# Usage: hacking/tree.sh TREE VENV
# Copies what git would track (tracked + untracked-but-not-ignored files), so stray outputs stay out.
# The tree lives outside the repo: a tree inside it would confuse ansible-test's git-based file discovery.
# Also installs the offline stand-in for get-pip.py that ansible-test sanity downloads otherwise.
set -euo pipefail
TREE=$1 VENV=$2
cd "$(dirname "$0")/.."
DEST=$TREE/ansible_collections/cdnops/cdn

rm -rf "$DEST"
mkdir -p "$DEST"
if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
  git ls-files -z --cached --others --exclude-standard | tar --null -T - -cf - | tar -xf - -C "$DEST"
else
  tar --exclude=./.git --exclude=./.venv --exclude=./tests/output --exclude=./.ansible \
      --exclude='__pycache__' -cf - . | tar -xf - -C "$DEST"
fi

# ansible-test sanity bootstraps pip in each of its venvs with get-pip.py from ci-files.testing.ansible.com
# (unreachable offline); it first looks in ~/.ansible/test/cache/get_pip_<ver>.py, so put a shim there.
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

# Real interpreters for the compile and import sanity tests on every Python a module may run on (make sanity).
# PATH only has pyenv's shims, which exit 127 for versions that are not active, and ansible-test fails on those.
mkdir -p "$TREE/pybin"
for dir in "${PYENV_ROOT:-$HOME/.pyenv}"/versions/3.*; do
  version=$(basename "$dir" | cut -d. -f1,2)
  if [ -x "$dir/bin/python$version" ]; then ln -sfn "$dir/bin/python$version" "$TREE/pybin/python$version"; fi
done
