#!/usr/bin/env bash
# Runs alicdn_prefetch (and alicdn_refresh_info for prefetch tasks) through ansible-playbook against a sandbox this
# script starts and stops. Credentials and the endpoint reach the modules only through the environment, as AWX injects
# them.
set -eu -o pipefail

# ansible-test runs this from a temporary copy of the target, with the collection on ANSIBLE_COLLECTIONS_PATH.
collection=${ANSIBLE_COLLECTIONS_PATH%%:*}/ansible_collections/cdnops/cdn
localhost=(-i 'localhost,' -c local -e "ansible_python_interpreter=$(command -v python)")
sandbox_log=$(mktemp)
trap 'stop_sandbox; rm -f "$sandbox_log"' EXIT
# shellcheck source=../../../sandbox/sandbox.sh
. "$collection/tests/sandbox/sandbox.sh"
start_sandbox "$sandbox_log" --task-delay 0.5 --fail-pattern broken
sandbox=$SANDBOX_URL
use_sandbox alicdn

ansible-playbook "${localhost[@]}" playbook.yml -e "sandbox_url=$sandbox" "$@" | tee playbook.out
if grep -q "$ALIBABA_CLOUD_ACCESS_KEY_SECRET" playbook.out; then echo 'the secret leaked into the output' >&2; exit 1; fi

# Ad-hoc use: check mode reads the quota and sends no prefetch; then a real one.
reset() { python -c 'import sys, urllib.request; urllib.request.urlopen(sys.argv[1] + "/_sandbox/reset", data=b"")' "$sandbox"; }
actions() {
  python - "$sandbox" "$@" <<'PY'
import json, sys, urllib.request
calls = json.load(urllib.request.urlopen(sys.argv[1] + '/_sandbox/requests'))
assert [c['action'] for c in calls] == sys.argv[2:], calls
PY
}
reset
ansible localhost "${localhost[@]}" -m cdnops.cdn.alicdn_prefetch -a 'paths=https://www.example.com/adhoc.html' --check -vvvv | tee adhoc.out
grep -q '"changed": true' adhoc.out
if grep -q "$ALIBABA_CLOUD_ACCESS_KEY_SECRET" adhoc.out; then echo 'the secret leaked into the output' >&2; exit 1; fi
actions DescribeRefreshQuota

ansible localhost "${localhost[@]}" -m cdnops.cdn.alicdn_prefetch -a 'paths=https://www.example.com/adhoc.html,https://www.example.com/b.html' | tee adhoc.out
grep -q '"changed": true' adhoc.out
actions DescribeRefreshQuota DescribeRefreshQuota PushObjectCache
rm -f playbook.out adhoc.out
