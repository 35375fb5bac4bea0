#!/usr/bin/env bash
# Integration tests of the cdnops.cdn.cdn_refresh role against a sandbox this script starts and always stops.
# Credentials and endpoints reach the modules through the environment, as AWX credential types inject them.
set -eu -o pipefail

# ansible-test runs this from a temporary copy of the target, with the collection on ANSIBLE_COLLECTIONS_PATH.
collection=${ANSIBLE_COLLECTIONS_PATH%%:*}/ansible_collections/cdnops/cdn
work=$(mktemp -d)
trap 'stop_sandbox; rm -rf "$work"' EXIT
# shellcheck source=../../../sandbox/sandbox.sh
. "$collection/tests/sandbox/sandbox.sh"
start_sandbox "$work/sandbox.log" --task-delay 0.5 --fail-pattern broken --alicdn-dir-quota 1000
sandbox=$SANDBOX_URL
use_sandbox alicdn jdcdn
ANSIBLE_PYTHON_INTERPRETER=$(command -v python)
export ANSIBLE_FORKS=50 ANSIBLE_PYTHON_INTERPRETER
secret=$SANDBOX_SECRET

step() { printf '\n=== %s\n' "$*"; }
calls() { python sandbox_calls.py "$sandbox" "$@"; }
task_delay() {  # task_delay SECONDS: how long the sandbox's new tasks run (tasks already submitted keep theirs)
  python -c 'import json, sys, urllib.request as r
r.urlopen(r.Request(sys.argv[1] + "/_sandbox/config", json.dumps({"task_delay": float(sys.argv[2])}).encode())).read()' \
    "$sandbox" "$1"
}
no_secret() { absent "$secret" "$@"; }
absent() {  # absent PATTERN FILE...: fail if the pattern occurs
  if grep -q "$1" "${@:2}"; then echo "unexpected '$1' in ${*:2}"; exit 1; fi
}
expect_failure() {  # expect_failure OUTPUT_FILE COMMAND...: the command must fail
  local out=$1; shift
  if "$@" >"$out" 2>&1; then cat "$out"; echo "expected a failure"; exit 1; fi
  grep -q 'failed=1' "$out" || { cat "$out"; echo "expected a failed host in the play recap"; exit 1; }
}

python make_inventory.py "$work/inventory.json" "$work/expected.json"

step "300 hosts, overlapping paths, both providers: the fewest calls the vendor limits allow"
time ansible-playbook -i "$work/inventory.json" refresh.yml -e cdn_refresh_wait=true -e cdn_refresh_poll_interval=1 \
  | tee "$work/big.out" | grep -v '^web[0-9]* *: ok=0'   # (the recap of the hosts that ran nothing)
calls --expected "$work/expected.json"
grep -q 'item=poll 1: ' "$work/big.out"                                    # progress while waiting
absent 'RETRYING' "$work/big.out"                                          # ... without retry noise
grep -q 'alicdn after waiting: [0-9]* task(s) complete, 0 failed, 0 still running' "$work/big.out"
grep -q 'jdcdn after waiting: 14 task(s) complete, 0 failed, 0 still running' "$work/big.out"
grep -q 'web001 *: .*failed=0' "$work/big.out"
no_secret "$work/big.out"

step "The same in check mode and diff mode: no refresh call"
ansible-playbook -i "$work/inventory.json" refresh.yml --check --diff >"$work/check.out"
calls
grep -q '+https://d0.example.com/index.html' "$work/check.out"            # the diff lists the paths
grep -q 'alicdn file: .*2401 path' "$work/check.out"

step "Rolling deploy (serial 2) with the role's handler: one refresh per batch"
mkdir "$work/www"
deploy=(ansible-playbook -i deploy_inventory.yml deploy.yml -e "docroot=$work/www")
"${deploy[@]}" -e deploy_serial=2 -e release=1
calls --calls alicdn=2 jdcdn=1

step "The same deploy again: nothing changed, so no API call at all"
"${deploy[@]}" -e deploy_serial=2 -e release=1 | tee "$work/unchanged.out" | tail -n 6
calls --none
absent 'RUNNING HANDLER' "$work/unchanged.out"

step "Release 2 in one batch: web4 changed nothing, so no JD call"
"${deploy[@]}" -e deploy_serial=4 -e release=2
calls --calls alicdn=1

step "Release 3 in check mode: the handler runs, nothing is refreshed"
"${deploy[@]}" -e deploy_serial=4 -e release=3 --check --diff | tee "$work/deploy-check.out" | tail -n 6
calls
grep -q 'RUNNING HANDLER' "$work/deploy-check.out"

step "A refresh that fails at the CDN (wait) fails the play, naming the path: Alibaba"
expect_failure "$work/fail-ali.out" ansible-playbook one_host.yml -e cdn_refresh_provider=alicdn -e cdn_refresh_wait=true
grep -q 'alicdn task .* failed (.*): https://www.example.com/broken.html' "$work/fail-ali.out" \
  || { cat "$work/fail-ali.out"; exit 1; }
grep -q 'alicdn after waiting: 0 task(s) complete, 1 failed' "$work/fail-ali.out"
calls --calls alicdn=1

step "... and JD"
expect_failure "$work/fail-jd.out" ansible-playbook one_host.yml -e cdn_refresh_provider=jdcdn -e cdn_refresh_wait=true
grep -q 'jdcdn task .* failed (.*): .*https://www.example.com/broken.html' "$work/fail-jd.out" \
  || { cat "$work/fail-jd.out"; exit 1; }
calls --calls jdcdn=1

step "A wait that times out fails the play, naming the tasks still running, without waiting for them: both providers"
task_delay 600
start=$SECONDS
# the extra var gives every host of deploy_inventory.yml the same site-relative paths: one task per provider
expect_failure "$work/timeout.out" ansible-playbook -i deploy_inventory.yml refresh.yml \
  -e '{"cdn_refresh_paths": ["/slow.html", "/slow.css"]}' \
  -e cdn_refresh_wait=true -e cdn_refresh_wait_timeout=2 -e cdn_refresh_poll_interval=1
elapsed=$((SECONDS - start))
task_delay 0.5
grep -q 'alicdn task [0-9]* still running after 2 s: https://www.example.com/slow.html https://www.example.com/slow.css' \
  "$work/timeout.out" || { cat "$work/timeout.out"; exit 1; }
grep -q 'jdcdn task [0-9a-f-]* still running after 2 s: https://static.example.cn/slow.html https://static.example.cn/slow.css' \
  "$work/timeout.out" || { cat "$work/timeout.out"; exit 1; }
grep -q 'alicdn after waiting: 0 task(s) complete, 0 failed, 1 still running' "$work/timeout.out"
grep -q 'jdcdn after waiting: 0 task(s) complete, 0 failed, 1 still running' "$work/timeout.out"
echo "failed after ${elapsed}s"
# the tasks run 600 s; the wait stops at its 2 s timeout: 3 polls 1 s apart per provider (polls 1, 2 and 3), however
# long each poll takes on a busy machine
polls=$(grep -c 'item=poll [0-9]*: ' "$work/timeout.out" || true)
if [ "$polls" -ne 6 ] || grep -q 'item=poll 4: ' "$work/timeout.out"; then
  cat "$work/timeout.out"; echo "the wait did not stop at its timeout ($polls polls, ${elapsed}s)"; exit 1
fi
calls --calls alicdn=1 jdcdn=1

step "JD: the same refresh again while the first is queued: no new task, the summary names the queued paths"
task_delay 600
queued=(ansible-playbook one_host.yml -e cdn_refresh_provider=jdcdn)
q1=https://static.example.cn/q1.html q2=https://static.example.cn/q2.html q3=https://static.example.cn/q3.html
"${queued[@]}" -e "{\"cdn_refresh_paths\": [\"$q1\", \"$q2\"]}" >"$work/queued1.out"
calls --keep --calls jdcdn=1                                                # (--keep: the task stays queued)
"${queued[@]}" -e "{\"cdn_refresh_paths\": [\"$q1\", \"$q2\"]}" | tee "$work/queued2.out" | tail -n 12
calls --keep --calls jdcdn=1                                                # still the first run's call only
grep -q 'jdcdn file: Submitted 0 paths of file refresh (1 batch in [0-9]* calls); 2 paths already queued' "$work/queued2.out"
grep -q "already queued at jdcdn, not submitted again: $q1 $q2" "$work/queued2.out"
grep -q 'localhost *: .*changed=0 .*failed=0' "$work/queued2.out"
no_secret "$work/queued2.out"

step "... with one new path mixed in: only the new path gets a new task"
"${queued[@]}" -e "{\"cdn_refresh_paths\": [\"$q1\", \"$q3\", \"$q2\"]}" | tee "$work/queued3.out" | tail -n 12
task_delay 0.5
grep -q "already queued at jdcdn, not submitted again: $q1 $q2" "$work/queued3.out"
grep -q 'jdcdn file: Submitted 1 path of file refresh (1 batch in [0-9]* calls); 2 paths already queued' "$work/queued3.out"
grep -q 'localhost *: .*changed=1 .*failed=0' "$work/queued3.out"
# since the first run: two accepted calls, each path in exactly one of them
printf '{"calls": {"jdcdn": 2}, "paths": {"alicdn": {}, "jdcdn": {"file": ["%s", "%s", "%s"]}}}' "$q1" "$q2" "$q3" \
  >"$work/queued.json"
calls --expected "$work/queued.json"

step "Wrong credentials fail the play with the module's message"
ALIBABA_CLOUD_ACCESS_KEY_SECRET=wrong-secret expect_failure "$work/badkey.out" \
  ansible-playbook one_host.yml -e cdn_refresh_provider=alicdn
grep -q 'SignatureDoesNotMatch' "$work/badkey.out" || { cat "$work/badkey.out"; exit 1; }
calls --calls alicdn=0

step "Credentials as role variables instead of the environment"
cat >"$work/creds.yml" <<YAML
cdn_refresh_alicdn_access_key_id: $SANDBOX_ACCESS_KEY_ID
cdn_refresh_alicdn_access_key_secret: $secret
cdn_refresh_alicdn_endpoint: $sandbox
YAML
env -u ALIBABA_CLOUD_ACCESS_KEY_ID -u ALIBABA_CLOUD_ACCESS_KEY_SECRET -u ALICDN_ENDPOINT \
  ansible-playbook one_host.yml -e cdn_refresh_provider=alicdn -e "@$work/creds.yml" -v >"$work/vars.out"
no_secret "$work/vars.out"
calls --calls alicdn=1

step "The credential chain's options as role variables: a named profile of an aliyun CLI file, nothing in the environment"
cat >"$work/aliyun.json" <<JSON
{"current": "default", "profiles": [
  {"name": "default", "mode": "AK", "access_key_id": "LTAIunknownDefault", "access_key_secret": "not-the-secret"},
  {"name": "cdn", "mode": "AK", "access_key_id": "$SANDBOX_ACCESS_KEY_ID", "access_key_secret": "$secret"}]}
JSON
mkdir "$work/home"   # an empty HOME: no ~/.aliyun/config.json
profile_run=(env -u ALIBABA_CLOUD_ACCESS_KEY_ID -u ALIBABA_CLOUD_ACCESS_KEY_SECRET "HOME=$work/home"
             ansible-playbook one_host.yml -e cdn_refresh_provider=alicdn -v
             -e "cdn_refresh_alicdn_shared_credentials_file=$work/aliyun.json"
             -e '{"cdn_refresh_paths": ["https://www.example.com/profile.html"]}')
"${profile_run[@]}" -e cdn_refresh_alicdn_profile=cdn >"$work/profile.out"
no_secret "$work/profile.out"
grep -q "\"credential_source\": \"profile 'cdn' of $work/aliyun.json\"" "$work/profile.out" \
  || { cat "$work/profile.out"; exit 1; }
calls --calls alicdn=1
# without the profile variable, the file's current profile (another key) signs, and Alibaba refuses it
expect_failure "$work/no-profile.out" "${profile_run[@]}"
grep -q 'InvalidAccessKeyId.NotFound' "$work/no-profile.out" || { cat "$work/no-profile.out"; exit 1; }
no_secret "$work/no-profile.out"
calls --calls alicdn=0

step "Ad hoc, credentials from the environment only"
ansible localhost -m cdnops.cdn.alicdn_refresh -a 'paths=https://www.example.com/a.html,https://www.example.com/b.html' \
  | tee "$work/adhoc.out"
ansible localhost -m cdnops.cdn.jdcdn_refresh -a 'paths=https://static.example.cn/a.html wait=true' | tee -a "$work/adhoc.out"
ansible localhost -m cdnops.cdn.alicdn_refresh_info -a 'task_ids=170000001' >>"$work/adhoc.out"
no_secret "$work/adhoc.out"
calls --calls alicdn=1 jdcdn=1

step "all cdn_refresh role tests passed"
