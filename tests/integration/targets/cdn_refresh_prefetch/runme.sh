#!/usr/bin/env bash
# The cdn_refresh role's prefetch, against a sandbox this script starts and always stops. Its tasks run 300 s, so a
# task is still running whenever the role first polls it, however slow this machine is; clock_watch.py then moves the
# sandbox's clock past them (prefetch_calls.py checks that the role polled a running task before any prefetch).
set -eu -o pipefail

collection=${ANSIBLE_COLLECTIONS_PATH%%:*}/ansible_collections/cdnops/cdn
work=$(mktemp -d)
watcher=''
stop_watch() { if [ -n "$watcher" ]; then kill "$watcher" 2>/dev/null || true; wait "$watcher" 2>/dev/null || true; watcher=''; fi; }
trap 'stop_watch; stop_sandbox; rm -rf "$work"' EXIT
# shellcheck source=../../../sandbox/sandbox.sh
. "$collection/tests/sandbox/sandbox.sh"
# --jdcdn-lenient-date: JD signs with the date, and moving the clock 301 s on may cross midnight (UTC+8) on the server
# alone; the UTC date is then still the controller's UTC+8 date.
start_sandbox "$work/sandbox.log" --task-delay 300 --fail-pattern broken --jdcdn-lenient-date
sandbox=$SANDBOX_URL

secret=$SANDBOX_SECRET
use_sandbox alicdn jdcdn
ANSIBLE_PYTHON_INTERPRETER=$(command -v python)
export ANSIBLE_PYTHON_INTERPRETER
role=(ansible-playbook -i inventory.yml ../cdn_refresh/refresh.yml -e cdn_refresh_poll_interval=1)
www=https://www.example.com jd=https://static.example.cn

step() { printf '\n=== %s\n' "$*"; }
fail() { echo "FAILED: $*"; exit 1; }
has() { grep -qF -- "$1" "$2" || { cat "$2"; fail "expected in the output: $1"; }; }
lacks() { if grep -qF -- "$1" "$2"; then cat "$2"; fail "unexpected in the output: $1"; fi; }
calls() { python prefetch_calls.py "$sandbox" "$@"; }
watch() { python clock_watch.py "$sandbox" & watcher=$!; }
expect_failure() {  # expect_failure OUTPUT_FILE COMMAND...
  local out=$1; shift
  if "$@" >"$out" 2>&1; then cat "$out"; fail "expected a failure"; fi
  grep -q 'failed=1' "$out" || { cat "$out"; fail "expected a failed host in the play recap"; }
}

step "Refresh, wait, then prefetch, both providers: no prefetch call before every refresh task of the run is complete"
watch
expect_failure "$work/order.out" "${role[@]}"   # (broken.html fails to refresh)
stop_watch
calls --refreshes alicdn=2 jdcdn=1 --ordered \
  --prefetched "alicdn=$www/a.html,$www/,$www/hot.html" "jdcdn=$jd/j.html,$jd/k.html"
# web1: its file URLs, not its directory, not broken.html; web3: its hot pages; web2 (JD): its file URLs
has "alicdn prefetch: not sent for 1 path(s) whose refresh failed or could not be waited for: $www/broken.html" "$work/order.out"
has 'alicdn after waiting: 1 task(s) complete, 1 failed, 0 still running' "$work/order.out"
has 'alicdn prefetch: Submitted 3 paths of file prefetch' "$work/order.out"
has 'jdcdn prefetch: Submitted 2 paths of file prefetch' "$work/order.out"
has "alicdn task " "$work/order.out"   # the failure names the refresh task that failed ...
has "failed (Origin Timeout): $www/broken.html" "$work/order.out"
lacks 'alicdn prefetch task' "$work/order.out"   # ... and nothing about the prefetch, which was not waited for

step "A refresh still running when the wait ends: no prefetch call at all"
expect_failure "$work/timeout.out" "${role[@]}" -e cdn_refresh_wait_timeout=2
calls --refreshes alicdn=2 jdcdn=1
has 'Prefetch not started, as it starts only once every refresh task of the run is complete' "$work/timeout.out"
has 'still running after 2 s' "$work/timeout.out"

step "The prefetch options as role variables reach alicdn_prefetch only; waiting for the prefetch names a page that failed"
cat >"$work/options.yml" <<'YAML'
cdn_refresh_prefetch_wait: true
cdn_refresh_alicdn_prefetch_area: domestic
cdn_refresh_alicdn_prefetch_l2_preload: true
cdn_refresh_alicdn_prefetch_headers:
  Accept-Encoding: [gzip, br]
YAML
watch
expect_failure "$work/options.out" "${role[@]}" --limit web3 -e "@$work/options.yml" \
  -e '{"cdn_refresh_prefetch": ["/", "/cold-broken.html"]}'
stop_watch
calls --refreshes alicdn=1 --ordered --prefetched "alicdn=$www/,$www/cold-broken.html" \
  --push-params '{"Area": "domestic", "L2Preload": "true", "WithHeader": {"Accept-Encoding": ["gzip", "br"]}}'
has 'alicdn prefetch after waiting: 0 task(s) complete, 1 failed, 0 still running' "$work/options.out"
has 'The CDN prefetch did not complete:' "$work/options.out"
has "failed (Origin Timeout): $www/cold-broken.html" "$work/options.out"
has 'Submitted in full: alicdn file (1 path(s)), alicdn prefetch (2 path(s))' "$work/options.out"
has 'item=poll 1: 0 of 1 task(s) finished' "$work/options.out"   # progress of the prefetch wait

step "Check mode: the prefetch it would send, and no refresh or prefetch call"
"${role[@]}" --check | tee "$work/check.out" | tail -n 20
calls
# (broken.html too: in check mode nothing has failed yet)
has 'alicdn prefetch: Would submit 1 batch of file prefetch for 4 paths' "$work/check.out"
has 'jdcdn prefetch: Would submit 1 batch of file prefetch for 2 paths' "$work/check.out"

step "No prefetch asked for: no wait, no prefetch call"
"${role[@]}" --limit web2 -e cdn_refresh_prefetch=false | tee "$work/none.out" | tail -n 8
calls --refreshes jdcdn=1
lacks 'after waiting' "$work/none.out"
lacks 'prefetch:' "$work/none.out"

if grep -q "$secret" "$work"/*.out; then fail "the secret appears in the output"; fi
step "all cdn_refresh_prefetch tests passed"
