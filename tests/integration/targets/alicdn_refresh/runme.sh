#!/usr/bin/env bash
# Runs alicdn_refresh and alicdn_refresh_info through ansible-playbook against a sandbox this script starts and stops.
# Credentials and the endpoint reach the modules only through the environment, as AWX injects them.
set -eu -o pipefail

# ansible-test runs this from a temporary copy of the target, with the collection on ANSIBLE_COLLECTIONS_PATH.
collection=${ANSIBLE_COLLECTIONS_PATH%%:*}/ansible_collections/cdnops/cdn
localhost=(-i 'localhost,' -c local -e "ansible_python_interpreter=$(command -v python)")
sandbox_log=$(mktemp)
python "$collection/tests/sandbox/cdn_sandbox.py" --port 0 --task-delay 0.5 --fail-pattern broken >"$sandbox_log" 2>&1 &
sandbox_pid=$!
trap 'kill "$sandbox_pid" 2>/dev/null || true; rm -f "$sandbox_log"' EXIT
for _ in $(seq 50); do grep -q '^listening on ' "$sandbox_log" && break; sleep 0.1; done
sandbox_url=$(sed -n 's/^listening on //p' "$sandbox_log" | head -n 1)
[ -n "$sandbox_url" ] || { cat "$sandbox_log"; exit 1; }

export ALIBABA_CLOUD_ACCESS_KEY_ID=LTAIsandboxDemoKey
export ALIBABA_CLOUD_ACCESS_KEY_SECRET=sandbox-demo-secret
export ALICDN_ENDPOINT=$sandbox_url
export NO_PROXY=127.0.0.1

ansible-playbook "${localhost[@]}" playbook.yml -e "sandbox_url=$sandbox_url" "$@" | tee playbook.out
if grep -q "$ALIBABA_CLOUD_ACCESS_KEY_SECRET" playbook.out; then echo 'the secret leaked into the output' >&2; exit 1; fi

# Ad-hoc use, as the README shows it: check mode sends no refresh.
python -c 'import sys, urllib.request; urllib.request.urlopen(sys.argv[1] + "/_sandbox/reset", data=b"")' "$sandbox_url"
ansible localhost "${localhost[@]}" -m cdnops.cdn.alicdn_refresh -a 'paths=https://www.example.com/adhoc.html' --check -vvvv | tee adhoc.out
grep -q '"changed": true' adhoc.out
if grep -q "$ALIBABA_CLOUD_ACCESS_KEY_SECRET" adhoc.out; then echo 'the secret leaked into the output' >&2; exit 1; fi
python - "$sandbox_url" <<'PY'
import json, sys, urllib.request
calls = json.load(urllib.request.urlopen(sys.argv[1] + '/_sandbox/requests'))
assert [c['action'] for c in calls] == ['DescribeRefreshQuota'], calls
PY
rm -f playbook.out adhoc.out
