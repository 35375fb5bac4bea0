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

# succeeds OUTPUT_FILE COMMAND...: the command succeeds (else its output is shown); shows the end of its output.
succeeds() {
  local out=$1; shift
  "$@" >"$out" 2>&1 || { cat "$out"; fail "the command failed: $*"; }
  tail -n 3 "$out"
}

# result_has OUTPUT PYTHON_EXPRESSION: the task results in OUTPUT (the JSON after each `=> `, as an ad-hoc command or
# `ansible-playbook -v` prints them) make the expression true; in it, `r` is the first result and `rs` all of them.
result_has() {
  python - "$1" "$2" <<'PY' || { cat "$1"; fail "the result does not have: $2"; }
import json, re, sys
text = open(sys.argv[1]).read()
rs = [json.JSONDecoder().raw_decode(text, match.end() - 1)[0] for match in re.finditer(r'=> \{', text)]
sys.exit(0 if eval(sys.argv[2], {'r': rs[0], 'rs': rs}) else 1)
PY
}

# expect_failure OUTPUT_FILE COMMAND...: the command fails with a failed host in the play recap.
expect_failure() {
  local out=$1; shift
  if "$@" >"$out" 2>&1; then cat "$out"; fail "expected a failure"; fi
  grep -q 'failed=1' "$out" || { cat "$out"; fail "expected a failed host in the play recap"; }
}

# play_of HOSTS TASKS_FILE...: print a playbook that runs the task lists of the files, in order, on HOSTS (for
# examples that show tasks, not a whole play; the test's own tasks around them go in further files).
play_of() {
  python - "$@" <<'PY'
import sys, yaml
tasks = []
for path in sys.argv[2:]:
    with open(path) as stream:
        tasks.extend(yaml.safe_load(stream))
print(yaml.safe_dump([{'name': 'Example', 'hosts': sys.argv[1], 'gather_facts': False, 'tasks': tasks}],
                     sort_keys=False))
PY
}

# calls_were CALL...: since the last check the sandbox received exactly this sequence of API calls (VENDOR:ACTION as
# in its request log; a trailing + for one or more in a row, such as polls). Keeps the log in $work/log.json for
# `param`, and does not reset the sandbox: follow it with `received`, which checks the refresh calls and resets.
calls_were() { python "$here/sandbox_log.py" "$A" "$work/log.json" "$@" || fail "not the expected API calls"; }

# param VENDOR:ACTION NAME: the parameter NAME of the last such call in the log calls_were kept (JSON if not a string).
param() {
  python - "$work/log.json" "$1" "$2" <<'PY'
import json, sys
log, call, name = sys.argv[1:]
with open(log) as stream:
    calls = [c for c in json.load(stream) if '%s:%s' % (c['vendor'], c['action']) == call]
value = calls[-1]['params'][name]
print(value if isinstance(value, str) else json.dumps(value, sort_keys=True))
PY
}

# sandbox POST_ROUTE JSON: an admin call, e.g. `sandbox config '{"alicdn_quota": {"url": 0}}'` or
# `sandbox faults '{"vendor": "alicdn", "action": "RefreshObjectCaches", "kind": "quota"}'` (tests/sandbox/README.md).
sandbox() {
  python - "$A/_sandbox/$1" "$2" <<'PY' >/dev/null
import sys, urllib.request
urllib.request.urlopen(urllib.request.Request(sys.argv[1], sys.argv[2].encode(), method='POST')).read()
PY
}

# same_json A B: the two JSON texts are the same value.
same_json() {
  python -c 'import json, sys; sys.exit(json.loads(sys.argv[1]) != json.loads(sys.argv[2]))' "$1" "$2" ||
    fail "expected $2, got $1"
}

# Run a playbook on the docs' inventory (inventory.yml: web1 on Alibaba, web2 on JD, db1 asks for nothing).
playbook() { ansible-playbook -i "$here/inventory.yml" "$@"; }
