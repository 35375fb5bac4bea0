# shellcheck shell=bash
# Helpers for the example tests (examples_*.sh), sourced by runme.sh after it started the sandbox ($A).
# shellcheck disable=SC2154  # $A, $work, $helpers, $here, $secret are set by runme.sh

step() { printf '\n=== %s\n' "$*"; }
fail() { echo "FAILED: $*"; exit 1; }

# received ALICDN_CALLS JDCDN_CALLS [PATHS_JSON]: the sandbox accepted exactly these refresh calls, and (with
# PATHS_JSON, {"alicdn": {"file": [...]}, "jdcdn": {...}}) received exactly these paths, each once. Resets the sandbox.
received() {
  local ali=$1 jd=$2
  if [ $# -lt 3 ]; then python "$helpers/sandbox_calls.py" "$A" --calls "alicdn=$ali" "jdcdn=$jd"; return; fi
  python - "$work/expected.json" "$ali" "$jd" "$3" <<'PY'
import json, sys
out, ali, jd, paths = sys.argv[1:]
paths = json.loads(paths)
json.dump({'calls': {'alicdn': int(ali), 'jdcdn': int(jd)},
           'paths': {vendor: {kind: sorted(urls) for kind, urls in paths.get(vendor, {}).items()}
                     for vendor in ('alicdn', 'jdcdn')}}, open(out, 'w'))
PY
  python "$helpers/sandbox_calls.py" "$A" --expected "$work/expected.json"
}

nothing_sent() { python "$helpers/sandbox_calls.py" "$A" --none; }   # no API call at all since the last check

has() { grep -qF -- "$1" "$2" || { cat "$2"; fail "expected in the output: $1"; }; }

no_secret() { if grep -q "$secret" "$@"; then fail "the secret appears in $*"; fi; }

# expect_failure OUTPUT_FILE COMMAND...: the command fails with a failed host in the play recap.
expect_failure() {
  local out=$1; shift
  if "$@" >"$out" 2>&1; then cat "$out"; fail "expected a failure"; fi
  grep -q 'failed=1' "$out" || { cat "$out"; fail "expected a failed host in the play recap"; }
}

# play_of TASKS_FILE HOSTS: print a playbook that runs the task list of TASKS_FILE on HOSTS (for examples that show
# tasks, not a whole play).
play_of() {
  python - "$1" "$2" <<'PY'
import sys, yaml
with open(sys.argv[1]) as stream:
    tasks = yaml.safe_load(stream)
print(yaml.safe_dump([{'name': 'Example', 'hosts': sys.argv[2], 'gather_facts': False, 'tasks': tasks}],
                     sort_keys=False))
PY
}

# Run a playbook on the docs' inventory (inventory.yml: web1 on Alibaba, web2 on JD, db1 asks for nothing).
playbook() { ansible-playbook -i "$here/inventory.yml" "$@"; }
