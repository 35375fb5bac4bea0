#!/usr/bin/env bash
# A job template run, as AWX runs it: ansible-runner with a private data directory whose env/envvars holds only
# what the collection's credential types inject (awx/credential_types/), env/extravars what a job template passes,
# and the project playbook awx/project/refresh_cdn.yml. Then: the run succeeded, the sandbox got the fewest calls
# the vendor limits allow, and no secret appears in the job events or stdout.
set -eu -o pipefail

collection=${ANSIBLE_COLLECTIONS_PATH%%:*}/ansible_collections/cdnops/cdn
helpers=$(cd ../cdn_refresh && pwd)   # make_inventory.py, sandbox_calls.py (needs/target/cdn_refresh)
work=$(mktemp -d)
trap 'stop_sandbox; rm -rf "$work"' EXIT
# shellcheck source=../../../sandbox/sandbox.sh
. "$collection/tests/sandbox/sandbox.sh"
start_sandbox "$work/sandbox.log" --task-delay 0.5 --alicdn-dir-quota 1000
sandbox=$SANDBOX_URL
export NO_PROXY=127.0.0.1 ANSIBLE_FORKS=50
unset ALIBABA_CLOUD_ACCESS_KEY_ID ALIBABA_CLOUD_ACCESS_KEY_SECRET ALICDN_ENDPOINT JDCDN_USERNAME JDCDN_SECRET_KEY JDCDN_ENDPOINT
secret=$SANDBOX_SECRET

pdd=$work/pdd
mkdir -p "$pdd/env" "$pdd/inventory" "$pdd/project"
cp "$collection/awx/project/refresh_cdn.yml" "$pdd/project/"
python "$helpers/make_inventory.py" "$pdd/inventory/hosts.json" "$work/expected.json"
# What the "Alibaba Cloud CDN" and "JD Cloud CDN" credential types inject, and nothing else.
cat >"$pdd/env/envvars" <<YAML
ALIBABA_CLOUD_ACCESS_KEY_ID: $SANDBOX_ACCESS_KEY_ID
ALIBABA_CLOUD_ACCESS_KEY_SECRET: $secret
ALIBABA_CLOUD_SECURITY_TOKEN: ""
ALICDN_ENDPOINT: $sandbox
JDCDN_USERNAME: $SANDBOX_USERNAME
JDCDN_SECRET_KEY: $secret
JDCDN_ENDPOINT: $sandbox
YAML
cat >"$pdd/env/extravars" <<YAML
cdn_refresh_wait: true
cdn_refresh_poll_interval: 1
YAML

ansible-runner run "$pdd" -p refresh_cdn.yml --ident job1 | grep -v '^web[0-9]* *: ok=0' | tail -n 40
artifacts=$pdd/artifacts/job1
[ "$(cat "$artifacts/status")" = successful ] || { echo "status: $(cat "$artifacts/status")"; exit 1; }
[ "$(cat "$artifacts/rc")" = 0 ]
python "$helpers/sandbox_calls.py" "$sandbox" --expected "$work/expected.json"

# No secret in what AWX shows and stores: the job events and the stdout.
if grep -l "$secret" "$artifacts"/job_events/*.json "$artifacts/stdout"; then
  echo "a secret appears in the job events or stdout"; exit 1
fi
grep -q 'after waiting: 14 task(s) complete, 0 failed' "$artifacts/stdout"
# By design ansible-runner writes the whole environment, secrets included, to artifacts/<id>/command (docs/awx.md).
if grep -q "$secret" "$artifacts/command"; then echo "note: artifacts/job1/command holds the environment (expected)"; fi
echo "job template run through ansible-runner: successful, no secret in job events or stdout"
