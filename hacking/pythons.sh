#!/usr/bin/env bash
# Find Python interpreters by running them (never by a fixed path).
#
#   hacking/pythons.sh find X.Y [X.Y ...]   print the path of a working interpreter of the first version found
#                                           (exit 1 if none runs)
#   hacking/pythons.sh link DIR             make DIR/pythonX.Y a symlink to a working interpreter of each 3.x found,
#                                           print one line naming them, and write DIR/PATH: $PATH without the
#                                           directories whose pythonX.Y does not run (pyenv's shims for versions
#                                           that are not active exit 127, and ansible-test stops with FATAL on those)
#
# Candidates, in this order: pythonX.Y on PATH (every match), then pythonX.Y in the versions directories of each
# pyenv root: $PYENV_ROOT, `pyenv root`, and the parent of each directory named "shims" on PATH.
# A candidate counts only if it runs and reports version X.Y.
set -euo pipefail

pyenv_roots() {
  local d roots=()
  if [ -n "${PYENV_ROOT:-}" ]; then roots+=("$PYENV_ROOT"); fi
  if command -v pyenv >/dev/null 2>&1; then
    d=$(pyenv root 2>/dev/null) && [ -n "$d" ] && roots+=("$d")
  fi
  local IFS=:
  for d in $PATH; do
    case $d in */shims) roots+=("${d%/shims}") ;; esac
  done
  if [ ${#roots[@]} -gt 0 ]; then printf '%s\n' "${roots[@]}" | awk '!seen[$0]++'; fi
}

runs_as() {  # runs_as PATH X.Y: if PATH runs and is Python X.Y, print the interpreter it runs (a shim's target)
  local out
  [ -x "$1" ] && out=$("$1" -c 'import sys; print("%d.%d %s" % (sys.version_info[:2] + (sys.executable,)))' 2>/dev/null) \
    && [ "${out%% *}" = "$2" ] && [ -x "${out#* }" ] && printf '%s\n' "${out#* }"
}

candidates() {  # candidates X.Y: every pythonX.Y we might use, one per line (may not run)
  local v=$1 root
  type -ap "python$v" || true
  while IFS= read -r root; do
    if [ -d "$root/versions" ]; then
      # newest patch release first
      find "$root/versions" -mindepth 3 -maxdepth 3 -path "*/bin/python$v" 2>/dev/null | sort -rV
    fi
  done < <(pyenv_roots)
}

find_one() {  # find_one X.Y: the interpreter behind the first candidate that runs as X.Y
  local c
  while IFS= read -r c; do
    if runs_as "$c" "$1"; then return 0; fi
  done < <(candidates "$1")
  return 1
}

all_versions() {  # every 3.x that has a candidate on PATH or under a pyenv root
  local dirs=() d f root
  IFS=: read -ra dirs <<<"$PATH"
  while IFS= read -r root; do dirs+=("$root"/versions/*/bin); done < <(pyenv_roots)
  for d in "${dirs[@]}"; do
    for f in "$d"/python3.*; do
      f=${f##*/python}
      if [[ $f =~ ^3\.[0-9]+$ ]]; then echo "$f"; fi
    done
  done | sort -uV
}

case ${1:-} in
  find)
    shift
    for v in "$@"; do
      if find_one "$v"; then exit 0; fi
    done
    exit 1 ;;
  link)
    dir=$2
    mkdir -p "$dir"
    rm -f "$dir"/python3.* "$dir/PATH"
    found=() missing=()
    for v in $(all_versions); do
      if p=$(find_one "$v"); then ln -s "$p" "$dir/python$v"; found+=("$v"); else missing+=("$v"); fi
    done
    kept=()
    IFS=: read -ra dirs <<<"$PATH"
    for d in "${dirs[@]}"; do
      ok=1
      for f in "$d"/python3.*; do
        v=${f##*/python}
        if [[ $v =~ ^3\.[0-9]+$ ]] && ! runs_as "$f" "$v" >/dev/null; then ok=0; break; fi
      done
      if [ $ok = 1 ]; then kept+=("$d"); fi
    done
    (IFS=:; printf '%s\n' "${kept[*]}") > "$dir/PATH"
    echo "pythons.sh: interpreters that run: ${found[*]:-none}${missing[*]:+ (found but not running: ${missing[*]})}"
    ;;
  *)
    echo "usage: $0 find X.Y [X.Y ...] | link DIR" >&2; exit 2 ;;
esac
