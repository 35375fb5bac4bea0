#!/usr/bin/env bash
# Runs jdcdn_refresh and jdcdn_refresh_info through ansible-playbook against a sandbox this script starts and stops.
# Credentials and the endpoint reach the modules only through the environment, as AWX injects them.
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

# The keys, and today's signatures (UTC+8 date) made with them: valid all day, so they must never be printed.
secrets=("$JDCDN_SECRET_KEY" not-the-secret-key)
while read -r signature; do secrets+=("$signature"); done < <(python - <<'PY'
import hashlib, os, time
date = time.strftime('%Y%m%d', time.gmtime(time.time() + 8 * 3600))
for secret in (os.environ['JDCDN_SECRET_KEY'], 'not-the-secret-key'):
    print(hashlib.md5((date + os.environ['JDCDN_USERNAME'] + secret).encode()).hexdigest())
PY
)
no_secrets() {
  local secret
  for secret in "${secrets[@]}"; do
    if grep -q -e "$secret" "$1"; then echo "a secret or a signature was printed in $1" >&2; return 1; fi
  done
}

ansible-playbook "${localhost[@]}" playbook.yml -e "sandbox_url=$sandbox" "$@" | tee playbook.out
no_secrets playbook.out

# Ad-hoc use, as the docs show it: check mode sends nothing at all (JD has no read-only quota call).
reset() { python -c 'import sys, urllib.request; urllib.request.urlopen(sys.argv[1] + "/_sandbox/reset", data=b"")' "$sandbox"; }
actions() {
  python - "$sandbox" "$@" <<'PY'
import json, sys, urllib.request
calls = json.load(urllib.request.urlopen(sys.argv[1] + '/_sandbox/requests'))
assert [c['action'] for c in calls] == sys.argv[2:], calls
PY
}
reset
ansible localhost "${localhost[@]}" -m cdnops.cdn.jdcdn_refresh -a 'paths=https://www.example.com/adhoc.html' --check -vvvv | tee adhoc.out
grep -q '"changed": true' adhoc.out
no_secrets adhoc.out
actions

ansible localhost "${localhost[@]}" -m cdnops.cdn.jdcdn_refresh -a 'paths=https://www.example.com/adhoc.html,https://www.example.com/b.html' -vvvv | tee adhoc.out
grep -q '"changed": true' adhoc.out
no_secrets adhoc.out
actions refresh

# A large list from a file (paths_file), ad hoc: 250 URLs, CRLF line endings and a comment; 3 calls of up to 100.
reset
python - <<'PY'
urls = ['https://www.example.com/static/%d.css' % n for n in range(250)]
with open('urls.txt', 'w', newline='\r\n') as f:
    f.write('# JD release\n' + '\n'.join(urls) + '\n')
PY
ansible localhost "${localhost[@]}" -m cdnops.cdn.jdcdn_refresh -a "paths_file=$PWD/urls.txt" >adhoc.out
no_secrets adhoc.out
actions refresh refresh refresh
python - "$sandbox" <<'PY'
import json, sys, urllib.request
urls = ['https://www.example.com/static/%d.css' % n for n in range(250)]
calls = json.load(urllib.request.urlopen(sys.argv[1] + '/_sandbox/requests'))
assert sorted(path for c in calls for path in c['params']['instances']) == sorted(urls), 'not each URL once'
printed = open('adhoc.out').read()
assert '"path_count": 250' in printed and all(printed.count('"%s"' % url) == 1 for url in urls), 'not printed once'
PY
# A file that is not there: a clear error, and nothing is sent.
reset
if ansible localhost "${localhost[@]}" -m cdnops.cdn.jdcdn_refresh -a "paths_file=$PWD/missing.txt" >adhoc.out; then
  echo 'a missing paths_file did not fail the module' >&2; exit 1
fi
grep -F "paths_file $PWD/missing.txt cannot be read: No such file or directory." adhoc.out
actions
rm -f playbook.out adhoc.out urls.txt
