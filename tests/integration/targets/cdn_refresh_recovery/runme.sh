#!/usr/bin/env bash
# Re-runs of the cdn_refresh role with a release time, against a sandbox this script starts and always stops: every
# host declares every path of its release, and each run asks Alibaba (DescribeRefreshTasks) what a task since the
# release time already covers. Checked against what the sandbox received, with exact call counts.
set -eu -o pipefail

collection=${ANSIBLE_COLLECTIONS_PATH%%:*}/ansible_collections/cdnops/cdn
helpers=$(cd ../cdn_refresh && pwd)   # sandbox_calls.py (needs/target/cdn_refresh)
work=$(mktemp -d)
trap 'stop_sandbox; rm -rf "$work"' EXIT
# shellcheck source=../../../sandbox/sandbox.sh
. "$collection/tests/sandbox/sandbox.sh"
start_sandbox "$work/sandbox.log" --task-delay 1 --fail-pattern broken
sandbox=$SANDBOX_URL

secret=$SANDBOX_SECRET
use_sandbox alicdn jdcdn
ANSIBLE_PYTHON_INTERPRETER=$(command -v python)
export ANSIBLE_PYTHON_INTERPRETER
www=https://www.example.com

step() { printf '\n=== %s\n' "$*"; }
fail() { echo "FAILED: $*"; exit 1; }
has() { grep -qF -- "$1" "$2" || { cat "$2"; fail "expected in the output: $1"; }; }
post() {  # post ROUTE JSON: a sandbox admin call
  python -c 'import sys, urllib.request as r
r.urlopen(r.Request(sys.argv[1] + sys.argv[2], sys.argv[3].encode())).read()' "$sandbox" "$1" "$2"
}
server_time() {  # server_time [SECONDS]: the sandbox's clock, plus SECONDS, as ISO 8601 UTC
  python -c 'import json, sys, time, urllib.request as r
now = json.load(r.urlopen(sys.argv[1] + "/_sandbox/clock"))["now"] + float(sys.argv[2])
print(time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(now)))' "$sandbox" "${1:-0}"
}
# actions ACTION=N...: the sandbox received exactly N calls of each ACTION named (accepted or not) since the last reset
actions() {
  python - "$sandbox" "$@" <<'PY'
import collections, json, sys, urllib.request
calls = json.load(urllib.request.urlopen(sys.argv[1] + '/_sandbox/requests'))
got = collections.Counter(call['action'] for call in calls)
print('received: %s' % dict(got))
wrong = [item for item in sys.argv[2:] if got[item.split('=')[0]] != int(item.split('=')[1])]
sys.exit('MISMATCH: expected %s' % ' '.join(wrong) if wrong else 0)
PY
}
keep() { python "$helpers/sandbox_calls.py" "$sandbox" --keep "$@"; }   # refresh calls accepted since the reset
received() { python "$helpers/sandbox_calls.py" "$sandbox" "$@"; }     # ... then reset the sandbox
expect_failure() {  # expect_failure OUTPUT_FILE COMMAND...
  local out=$1; shift
  if "$@" >"$out" 2>&1; then cat "$out"; fail "expected a failure"; fi
  grep -q 'failed=1' "$out" || { cat "$out"; fail "expected a failed host in the play recap"; }
}
unchanged() {  # unchanged OUTPUT_FILE: the host that ran the role reported no change
  grep -Eq '^web1 +: ok=[0-9]+ +changed=0 ' "$1" || { cat "$1"; fail "expected changed=0 for web1"; }
}

release=$(server_time -1)
role=(ansible-playbook -i inventory.yml ../cdn_refresh/refresh.yml -e cdn_refresh_poll_interval=1
      -e "cdn_refresh_release_time=$release")
ali=(--limit 'web1,web2')

step "A failed refresh (Alibaba refuses the first call): the directory set is refreshed, the file set is not"
post /_sandbox/faults '{"vendor": "alicdn", "action": "RefreshObjectCaches", "kind": "quota"}'
expect_failure "$work/run1.out" "${role[@]}" "${ali[@]}" -e cdn_refresh_prefetch=true
has 'QuotaExceeded.Refresh' "$work/run1.out"
has "not submitted (3 path(s)): $www/a.html $www/b.html $www/c.html" "$work/run1.out"
has "alicdn prefetch: not sent for 3 path(s) whose refresh failed" "$work/run1.out"
actions DescribeRefreshTasks=2 RefreshObjectCaches=2 PushObjectCache=0   # one lookup per object type, then the sets
keep --calls alicdn=1

step "The same run again: only what no task since the release time holds (the file set) is refreshed, then prefetched"
"${role[@]}" "${ali[@]}" -e cdn_refresh_prefetch=true | tee "$work/run2.out" | tail -n 14
has "alicdn file: Submitted 3 paths of file refresh" "$work/run2.out"
has "alicdn directory: Nothing to refresh: 1 path already refreshed after $release (1 task)." "$work/run2.out"
has 'alicdn prefetch: Submitted 3 paths of file prefetch' "$work/run2.out"
keep --calls alicdn=2

step "And again: every path is covered, so no refresh call and no prefetch; the role reports no change"
"${role[@]}" "${ali[@]}" -e cdn_refresh_prefetch=true | tee "$work/run3.out" | tail -n 12
has "alicdn file: Nothing to refresh: 3 paths already refreshed after $release (1 task)." "$work/run3.out"
has "alicdn prefetch: not sent for 3 path(s) already refreshed before this run" "$work/run3.out"
unchanged "$work/run3.out"
# since the fault: two refresh calls in all, each path in exactly one of them
cat >"$work/expected.json" <<JSON
{"calls": {"alicdn": 2}, "paths": {"alicdn": {"file": ["$www/a.html", "$www/b.html", "$www/c.html"],
                                              "directory": ["$www/img/"]}, "jdcdn": {}}}
JSON
python - "$sandbox" <<'PY'
import json, sys, urllib.request
calls = json.load(urllib.request.urlopen(sys.argv[1] + '/_sandbox/requests'))
pushes = [call for call in calls if call['action'] == 'PushObjectCache']
assert len(pushes) == 1 and pushes[0]['params']['ObjectPath'].split('\n') == [
    'https://www.example.com/a.html', 'https://www.example.com/b.html', 'https://www.example.com/c.html'], pushes
print('one prefetch in all, of the files of the run that refreshed them')
PY
received --expected "$work/expected.json"

step "An interrupted refresh (the wait ends while the task runs): a re-run finds the running task and sends nothing"
post /_sandbox/config '{"task_delay": 600}'
release=$(server_time -1)
role=(ansible-playbook -i inventory.yml ../cdn_refresh/refresh.yml -e cdn_refresh_poll_interval=1
      -e "cdn_refresh_release_time=$release")
expect_failure "$work/interrupted.out" "${role[@]}" --limit web2 -e cdn_refresh_wait=true -e cdn_refresh_wait_timeout=1
has 'still running after 1 s' "$work/interrupted.out"
"${role[@]}" --limit web2 -e cdn_refresh_wait=true | tee "$work/rerun.out" | tail -n 8
has "alicdn file: Nothing to refresh: 2 paths already refreshed after $release (1 task)." "$work/rerun.out"
keep --calls alicdn=1
actions RefreshObjectCaches=1 DescribeRefreshTasks=2

step "JD has no lookup: every run sends every path; while the first task runs, JD answers already queued"
"${role[@]}" --limit web3 | tail -n 4
"${role[@]}" --limit web3 | tee "$work/jd.out" | tail -n 8
has 'JD has no lookup of earlier tasks: with a release time every path was sent again' "$work/jd.out"
has 'already queued at jdcdn, not submitted again: https://static.example.cn/j.html https://static.example.cn/k.html' "$work/jd.out"
received --calls alicdn=1 jdcdn=1
post /_sandbox/config '{"task_delay": 1}'

step "A set gets the latest release time of its hosts, and none if one of them has none"
early=$(server_time -3600) late=$(server_time -60)
lookups() {  # lookups EXPECTED_JSON: the (ObjectType, StartTime) of every DescribeRefreshTasks call since the reset
  python - "$sandbox" "$1" <<'PY'
import json, sys, urllib.request
calls = json.load(urllib.request.urlopen(sys.argv[1] + '/_sandbox/requests'))
got = sorted([call['params']['ObjectType'], call['params']['StartTime']]
             for call in calls if call['action'] == 'DescribeRefreshTasks')
print('DescribeRefreshTasks (ObjectType, StartTime): %s' % got)
assert got == json.loads(sys.argv[2]), got
PY
}
printf 'all:\n  hosts:\n    web1: {cdn_refresh_release_time: "%s"}\n    web2: {cdn_refresh_release_time: "%s"}\n' \
  "$early" "$late" >"$work/times.yml"
ansible-playbook -i inventory.yml -i "$work/times.yml" ../cdn_refresh/refresh.yml --limit web1,web2 | tail -n 4
lookups "[[\"directory\", \"$early\"], [\"file\", \"$late\"]]"   # the file set has both hosts: the later time
received --calls alicdn=2
# web1 (which runs the role, so its own value is also the one the role sees) has none, web2 has one: the file set
# (web1 and web2) and the directory set (web1) have a host without a release time, so both are refreshed in full
# (web1 listed first, so that it stays the first host of the play and runs the role)
printf 'all:\n  hosts:\n    web1: {}\n    web2: {cdn_refresh_release_time: "%s"}\n' "$late" >"$work/one-time.yml"
ansible-playbook -i inventory.yml -i "$work/one-time.yml" ../cdn_refresh/refresh.yml --limit web1,web2 | tail -n 4
lookups '[]'
received --calls alicdn=2

step "A release time that is not one stops the role before any call, naming the host"
expect_failure "$work/bad.out" ansible-playbook -i inventory.yml ../cdn_refresh/refresh.yml --limit web1 \
  -e cdn_refresh_release_time=2026-11-30T08:00:00
has "web1: cdn_refresh_release_time is '2026-11-30T08:00:00', which is not a date-time with a time zone" "$work/bad.out"
actions DescribeRefreshTasks=0 RefreshObjectCaches=0 DescribeRefreshQuota=0

if grep -q "$secret" "$work"/*.out; then fail "the secret appears in the output"; fi
step "all cdn_refresh_recovery tests passed"
