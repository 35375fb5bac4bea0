#!/usr/bin/env bash
# Runs alicdn_refresh and alicdn_refresh_info through ansible-playbook against a sandbox this script starts and stops.
# Credentials and the endpoint reach the modules only through the environment, as AWX injects them.
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

# Ad-hoc use, as the README shows it: check mode sends no refresh.
python -c 'import sys, urllib.request; urllib.request.urlopen(sys.argv[1] + "/_sandbox/reset", data=b"")' "$sandbox"
ansible localhost "${localhost[@]}" -m cdnops.cdn.alicdn_refresh -a 'paths=https://www.example.com/adhoc.html' --check -vvvv | tee adhoc.out
grep -q '"changed": true' adhoc.out
if grep -q "$ALIBABA_CLOUD_ACCESS_KEY_SECRET" adhoc.out; then echo 'the secret leaked into the output' >&2; exit 1; fi
python - "$sandbox" <<'PY'
import json, sys, urllib.request
calls = json.load(urllib.request.urlopen(sys.argv[1] + '/_sandbox/requests'))
assert [c['action'] for c in calls] == ['DescribeRefreshQuota'], calls
PY

# A large list from a file (paths_file), ad hoc: 2,500 URLs over 3 domains, with a comment, a blank line and a
# duplicate; the module reads the file, so Ansible never templates the list. The result prints each URL once.
python -c 'import sys, urllib.request; urllib.request.urlopen(sys.argv[1] + "/_sandbox/reset", data=b"")' "$sandbox"
python - <<'PY'
urls = ['https://d%d.example.com/static/%d.js' % (n % 3, n) for n in range(2500)]
with open('urls.txt', 'w') as f:
    f.write('# release 42\n\n' + '\n'.join(urls) + '\n' + urls[0] + '\n')
PY
ansible localhost "${localhost[@]}" -m cdnops.cdn.alicdn_refresh -a "paths_file=$PWD/urls.txt" >adhoc.out
python - "$sandbox" <<'PY'
import json, sys, urllib.request
urls = ['https://d%d.example.com/static/%d.js' % (n % 3, n) for n in range(2500)]
calls = json.load(urllib.request.urlopen(sys.argv[1] + '/_sandbox/requests'))
assert [c['action'] for c in calls] == ['DescribeRefreshQuota'] + ['RefreshObjectCaches'] * 3, calls
sent = [path for c in calls[1:] for path in c['params']['ObjectPath'].split('\n')]
assert sorted(sent) == sorted(urls), 'the sandbox did not receive each URL of the file once'
printed = open('adhoc.out').read()
assert '"path_count": 2500' in printed and all(printed.count('"%s"' % url) == 1 for url in urls), 'not printed once'
PY
# A bad line: named by file and line, and nothing is sent.
python -c 'import sys, urllib.request; urllib.request.urlopen(sys.argv[1] + "/_sandbox/reset", data=b"")' "$sandbox"
printf 'https://www.example.com/a.html\n\nftp://www.example.com/b.html\n' >bad.txt
if ansible localhost "${localhost[@]}" -m cdnops.cdn.alicdn_refresh -a "paths_file=$PWD/bad.txt" >adhoc.out; then
  echo 'a bad line in paths_file did not fail the module' >&2; exit 1
fi
grep -F "paths_file $PWD/bad.txt line 3: 'ftp://www.example.com/b.html' must start with http:// or https://" adhoc.out
python - "$sandbox" <<'PY'
import json, sys, urllib.request
assert json.load(urllib.request.urlopen(sys.argv[1] + '/_sandbox/requests')) == [], 'a request was sent'
PY
if grep -q "$ALIBABA_CLOUD_ACCESS_KEY_SECRET" adhoc.out; then echo 'the secret leaked into the output' >&2; exit 1; fi
rm -f playbook.out adhoc.out urls.txt bad.txt
