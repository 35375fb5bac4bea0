#!/usr/bin/env bash
# The cdn_refresh role with the inputs users really give, each checked against what the sandbox received:
# play-level module_defaults (and role variables winning over them), cdn_refresh_paths as a string, relative paths,
# dict forms, a JD batch split on status 47 whose task fails, one vendor failing while the other is still tried, and
# the AWX playbook on an inventory whose hosts mostly ask for nothing.
# Two sandboxes: A (the right endpoint) and B (another account's endpoint, which must receive nothing).
set -eu -o pipefail

collection=${ANSIBLE_COLLECTIONS_PATH%%:*}/ansible_collections/cdnops/cdn
helpers=$(cd ../cdn_refresh && pwd)   # sandbox_calls.py (needs/target/cdn_refresh)
work=$(mktemp -d)
sandbox_b_pid=''
stop_both() { stop_sandbox; SANDBOX_PID=$sandbox_b_pid; stop_sandbox; }   # A, then B
trap 'stop_both; rm -rf "$work"' EXIT
# shellcheck source=../../../sandbox/sandbox.sh
. "$collection/tests/sandbox/sandbox.sh"
start_sandbox "$work/b.log" --task-delay 0.5
B=$SANDBOX_URL sandbox_b_pid=$SANDBOX_PID
# A owns only these domains: a relative path sent as a domain ("index.html/") would be refused.
start_sandbox "$work/a.log" --task-delay 0.5 --fail-pattern broken --domains www.example.com,static.example.cn
A=$SANDBOX_URL

secret=$SANDBOX_SECRET
use_sandbox alicdn jdcdn   # endpoints: $A, the sandbox started last
ANSIBLE_PYTHON_INTERPRETER=$(command -v python)
export ANSIBLE_PYTHON_INTERPRETER
no_credentials=(env -u ALIBABA_CLOUD_ACCESS_KEY_ID -u ALIBABA_CLOUD_ACCESS_KEY_SECRET -u JDCDN_USERNAME -u JDCDN_SECRET_KEY
                -u ALICDN_ENDPOINT -u JDCDN_ENDPOINT)
role=(ansible-playbook -i inventory.yml role.yml)
sites=(ansible-playbook -i sites_inventory.yml role.yml)

step() { printf '\n=== %s\n' "$*"; }
fail() { echo "FAILED: $*"; exit 1; }
received() {  # received URL ALICDN_CALLS JDCDN_CALLS [PATHS_JSON]: the accepted refresh calls (and their paths); resets
  local url=$1 ali=$2 jd=$3
  if [ $# -lt 4 ]; then python "$helpers/sandbox_calls.py" "$url" --calls "alicdn=$ali" "jdcdn=$jd"; return; fi
  python - "$work/expected.json" "$ali" "$jd" "$4" <<'PY'
import json, sys
out, ali, jd, paths = sys.argv[1:]
paths = json.loads(paths)
json.dump({'calls': {'alicdn': int(ali), 'jdcdn': int(jd)},
           'paths': {vendor: {kind: sorted(urls) for kind, urls in paths.get(vendor, {}).items()}
                     for vendor in ('alicdn', 'jdcdn')}}, open(out, 'w'))
PY
  python "$helpers/sandbox_calls.py" "$url" --expected "$work/expected.json"
}
nothing_at() { python "$helpers/sandbox_calls.py" "$1" --none; }   # no API call at all
has() { grep -qF -- "$1" "$2" || { cat "$2"; fail "expected in the output: $1"; }; }
expect_failure() {  # expect_failure OUTPUT_FILE COMMAND...
  local out=$1; shift
  if "$@" >"$out" 2>&1; then cat "$out"; fail "expected a failure"; fi
  grep -q 'failed=1' "$out" || { cat "$out"; fail "expected a failed host in the play recap"; }
}
no_secret() { if grep -q "$secret" "$@"; then fail "the secret appears in $*"; fi; }
config() { python -c 'import sys, urllib.request as r
r.urlopen(r.Request(sys.argv[1] + "/_sandbox/config", sys.argv[2].encode())).read()' "$A" "$1"; }

# --- module_defaults -------------------------------------------------------------------------------------------
cat >"$work/md-credentials.json" <<JSON
{"md_alicdn": {"access_key_id": "$SANDBOX_ACCESS_KEY_ID", "access_key_secret": "$secret", "endpoint": "$A"},
 "md_jdcdn": {"username": "$SANDBOX_USERNAME", "secret_key": "$secret", "endpoint": "$A"},
 "cdn_refresh_paths": ["/md.html"]}
JSON
step "Credentials and endpoints only in the play's module_defaults (no environment): the role refreshes and waits"
"${no_credentials[@]}" "${role[@]}" --limit web1,web2 -e "@$work/md-credentials.json" \
  -e cdn_refresh_wait=true -e cdn_refresh_poll_interval=1 | tee "$work/md.out" | tail -n 12
received "$A" 1 1 '{"alicdn": {"file": ["https://www.example.com/md.html"]},
                    "jdcdn": {"file": ["https://static.example.cn/md.html"]}}'
has 'alicdn after waiting: 1 task(s) complete, 0 failed' "$work/md.out"   # the _info modules got them too
has 'jdcdn after waiting: 1 task(s) complete, 0 failed' "$work/md.out"
no_secret "$work/md.out"

step "An endpoint in module_defaults and another in ALICDN_ENDPOINT/JDCDN_ENDPOINT: the role goes where a direct task goes"
ALICDN_ENDPOINT=$B JDCDN_ENDPOINT=$B "${role[@]}" --limit web1,web2 -e direct=true \
  -e "{\"md_alicdn\": {\"endpoint\": \"$A\"}, \"md_jdcdn\": {\"endpoint\": \"$A\"}, \"cdn_refresh_paths\": [\"/ep.html\"]}"
received "$A" 2 1 '{"alicdn": {"file": ["https://www.example.com/ep.html", "https://www.example.com/direct.html"]},
                    "jdcdn": {"file": ["https://static.example.cn/ep.html"]}}'
nothing_at "$B"

step "group/cdnops.cdn.all: its endpoint applies to both vendors through the role"
ALICDN_ENDPOINT=$B JDCDN_ENDPOINT=$B "${role[@]}" --limit web1,web2 \
  -e "{\"md_all\": {\"endpoint\": \"$A\", \"timeout\": 20}, \"cdn_refresh_paths\": [\"/all.html\"]}"
received "$A" 1 1 '{"alicdn": {"file": ["https://www.example.com/all.html"]},
                    "jdcdn": {"file": ["https://static.example.cn/all.html"]}}'
nothing_at "$B"

step "Role variables win over module_defaults, option by option (the rest still comes from module_defaults)"
cat >"$work/md-other.json" <<JSON
{"md_alicdn": {"access_key_id": "$SANDBOX_ACCESS_KEY_ID", "access_key_secret": "wrong-secret", "endpoint": "$B"},
 "md_jdcdn": {"username": "$SANDBOX_USERNAME", "secret_key": "wrong-secret", "endpoint": "$B"},
 "cdn_refresh_alicdn_access_key_secret": "$secret", "cdn_refresh_alicdn_endpoint": "$A",
 "cdn_refresh_jdcdn_secret_key": "$secret", "cdn_refresh_jdcdn_endpoint": "$A",
 "cdn_refresh_paths": ["/var.html"]}
JSON
"${no_credentials[@]}" "${role[@]}" --limit web1,web2 -e "@$work/md-other.json" >"$work/var.out"
received "$A" 1 1 '{"alicdn": {"file": ["https://www.example.com/var.html"]},
                    "jdcdn": {"file": ["https://static.example.cn/var.html"]}}'
nothing_at "$B"
no_secret "$work/var.out"

# --- cdn_refresh_paths as users give it ---------------------------------------------------------------------------
step "-e cdn_refresh_paths=/a.html is one path, not 7 characters"
"${role[@]}" --limit web1 -e cdn_refresh_paths=/a.html
received "$A" 1 0 '{"alicdn": {"file": ["https://www.example.com/a.html"]}}'

step "An AWX survey textarea: one path per line, trimmed, blank lines skipped"
"${role[@]}" --limit web1 \
  -e '{"cdn_refresh_paths": "https://www.example.com/s1.html\n\n   /s2.html  \r\ns3.html\n  \n"}'
received "$A" 1 0 '{"alicdn": {"file": ["https://www.example.com/s1.html", "https://www.example.com/s2.html",
                                        "https://www.example.com/s3.html"]}}'

step "An inventory of strings, lines, relative paths and dicts (also without object_type); hosts without paths"
"${sites[@]}" --limit 'all:!unfinished' | tee "$work/sites.out" | tail -n 12
received "$A" 2 1 '{"alicdn": {"file": ["https://www.example.com/index.html", "https://www.example.com/blog/a.html",
                                        "https://www.example.com/blog/b.html", "https://www.example.com/d.html",
                                        "https://www.example.com/x.html", "https://www.example.com/y.html"],
                               "directory": ["https://www.example.com/img/"]},
                    "jdcdn": {"file": ["https://static.example.cn/index.html", "https://static.example.cn/favicon.ico",
                                       "https://static.example.cn/css/x.css"]}}'

step "Relative paths without a base URL, paths without a provider: refused naming the host, the variable and the fix"
expect_failure "$work/unfinished.out" "${sites[@]}"
has "web5: 2 path(s) of cdn_refresh_paths are relative ('favicon.ico', '/robots.txt') but cdn_refresh_base_url is not set; set cdn_refresh_base_url for this host" \
  "$work/unfinished.out"
has 'web6: cdn_refresh_paths has 1 path(s) but cdn_refresh_provider is not set; set it to alicdn or jdcdn for this host' \
  "$work/unfinished.out"
if grep -qE '(db1|db2|web[1-4]): ' "$work/unfinished.out"; then fail "a host without a fault was named"; fi
nothing_at "$A"

# --- the AWX job template playbook -----------------------------------------------------------------------------------
step "awx/project/refresh_cdn.yml (hosts: all, include_role run_once): the first host has no paths and a null provider"
ansible-playbook -i sites_inventory.yml "$collection/awx/project/refresh_cdn.yml" --limit 'all:!unfinished' \
  | tee "$work/awx.out" | tail -n 8
grep -qE '^db1 +: ok=[1-9][0-9]* .*failed=0' "$work/awx.out" || fail "db1 did not run the role"
received "$A" 2 1

step "... and a host with paths but no provider fails it, named, before anything is sent"
expect_failure "$work/awx-bad.out" ansible-playbook -i sites_inventory.yml "$collection/awx/project/refresh_cdn.yml" \
  --limit 'all:!web5'
has 'web6: cdn_refresh_paths has 1 path(s) but cdn_refresh_provider is not set' "$work/awx-bad.out"
nothing_at "$A"

# --- failures ------------------------------------------------------------------------------------------------------
step "Alibaba's quota check fails: the JD set is still sent and waited for, then the play fails naming both"
config '{"alicdn_quota": {"url": 1}}'
expect_failure "$work/quota.out" "${role[@]}" --limit web1,web2 -e '{"cdn_refresh_paths": ["/q1.html", "/q2.html"]}' \
  -e cdn_refresh_wait=true -e cdn_refresh_poll_interval=1
config '{"alicdn_quota": {"url": 10000}}'
received "$A" 0 1 '{"jdcdn": {"file": ["https://static.example.cn/q1.html", "https://static.example.cn/q2.html"]}}'
has '- alicdn file: the refresh failed: ' "$work/quota.out"
has '  not submitted (2 path(s)): https://www.example.com/q1.html https://www.example.com/q2.html' "$work/quota.out"
has 'Submitted in full: jdcdn file (2 path(s))' "$work/quota.out"
has 'jdcdn after waiting: 1 task(s) complete, 0 failed, 0 still running' "$work/quota.out"

step "A JD batch split on status 47 whose task then fails: the failure names its paths"
config '{"task_delay": 30}'
queued=https://static.example.cn/queued.html broken=https://static.example.cn/broken.html
after=https://static.example.cn/after.html
"${role[@]}" --limit web2 -e "{\"cdn_refresh_paths\": [\"$queued\"]}" >"$work/split1.out"
config '{"task_delay": 0.5}'   # (the queued task keeps its 30 s)
expect_failure "$work/split.out" "${role[@]}" --limit web2 -e "{\"cdn_refresh_paths\": [\"$broken\", \"$queued\", \"$after\"]}" \
  -e cdn_refresh_wait=true -e cdn_refresh_poll_interval=1
has "already queued at jdcdn, not submitted again: $queued" "$work/split.out"
# the task lines of the message (ansible-core 2.18 prints it as JSON, "\n"-separated, 2.19+ also as lines)
grep -oE 'jdcdn task [0-9a-f-]+ (failed \([^)]*\)|still running[^:]*): [^\\"]*' "$work/split.out" | sort -u >"$work/split.tasks"
cat "$work/split.tasks"
[ "$(wc -l <"$work/split.tasks")" -eq 1 ] || { cat "$work/split.out"; fail "expected one task line"; }
# exactly the path of the part that failed: not the other part's, not the queued one
grep -qxE "jdcdn task [0-9a-f-]+ failed \([^)]*\): $broken" "$work/split.tasks" || fail "not exactly the failed part's path"
python "$helpers/sandbox_calls.py" "$A" --calls jdcdn=3   # the queued one, then the two halves of the split

step "all cdn_refresh input tests passed"
