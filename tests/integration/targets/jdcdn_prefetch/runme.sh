#!/usr/bin/env bash
# Runs jdcdn_prefetch (and jdcdn_refresh_info for prefetch tasks) through ansible-playbook against a sandbox this script
# starts and stops. Credentials and the endpoint reach the modules only through the environment, as AWX injects them.
set -eu -o pipefail

# ansible-test runs this from a temporary copy of the target, with the collection on ANSIBLE_COLLECTIONS_PATH.
collection=${ANSIBLE_COLLECTIONS_PATH%%:*}/ansible_collections/cdnops/cdn
localhost=(-i 'localhost,' -c local -e "ansible_python_interpreter=$(command -v python)")
sandbox_log=$(mktemp)
trap 'stop_sandbox; rm -f "$sandbox_log"' EXIT
# shellcheck source=../../../sandbox/sandbox.sh
. "$collection/tests/sandbox/sandbox.sh"
start_sandbox "$sandbox_log" --task-delay 3 --fail-pattern broken
sandbox=$SANDBOX_URL
use_sandbox jdcdn

# The key, and today's signature (UTC+8 date) made with it: valid all day, so neither may ever be printed.
signature=$(python - <<'PY'
import hashlib, os, time
date = time.strftime('%Y%m%d', time.gmtime(time.time() + 8 * 3600))
print(hashlib.md5((date + os.environ['JDCDN_USERNAME'] + os.environ['JDCDN_SECRET_KEY']).encode()).hexdigest())
PY
)
no_secrets() {
  if grep -q -e "$JDCDN_SECRET_KEY" -e "$signature" "$1"; then echo "a secret or a signature was printed in $1" >&2; return 1; fi
}

ansible-playbook "${localhost[@]}" playbook.yml -e "sandbox_url=$sandbox" "$@" | tee playbook.out
no_secrets playbook.out

# Ad-hoc use: check mode sends nothing at all (JD has no read-only quota call); then a real prefetch.
reset() { python -c 'import sys, urllib.request; urllib.request.urlopen(sys.argv[1] + "/_sandbox/reset", data=b"")' "$sandbox"; }
actions() {
  python - "$sandbox" "$@" <<'PY'
import json, sys, urllib.request
calls = json.load(urllib.request.urlopen(sys.argv[1] + '/_sandbox/requests'))
assert [c['action'] for c in calls] == sys.argv[2:], calls
PY
}
reset
ansible localhost "${localhost[@]}" -m cdnops.cdn.jdcdn_prefetch -a 'paths=https://www.example.com/adhoc.html' --check -vvvv | tee adhoc.out
grep -q '"changed": true' adhoc.out
no_secrets adhoc.out
actions

ansible localhost "${localhost[@]}" -m cdnops.cdn.jdcdn_prefetch -a 'paths=https://www.example.com/adhoc.html,https://www.example.com/b.html' -vvvv | tee adhoc.out
grep -q '"changed": true' adhoc.out
no_secrets adhoc.out
actions prefetch
rm -f playbook.out adhoc.out
