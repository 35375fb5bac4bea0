#!/usr/bin/env bash
# The cdn_refresh role in each form the docs show, on six hosts of which two ask for paths: every form refreshes each
# provider's set once and runs each of the role's tasks once, on one host. Nothing runs per host: no "Validating
# arguments" task of ansible-core (the role's variables are documented under the entry point `refresh`, not `main`),
# and the role's own check of its variables runs once and stops the role, naming the variable, before any call.
# (How long each form takes is measured by tests/bench/role.py, never asserted here.)
set -eu -o pipefail

collection=${ANSIBLE_COLLECTIONS_PATH%%:*}/ansible_collections/cdnops/cdn
helpers=$(cd ../cdn_refresh && pwd)   # sandbox_calls.py (needs/target/cdn_refresh)
work=$(mktemp -d)
trap 'stop_sandbox; rm -rf "$work"' EXIT
# shellcheck source=../../../sandbox/sandbox.sh
. "$collection/tests/sandbox/sandbox.sh"
start_sandbox "$work/sandbox.log" --task-delay 0.5
sandbox=$SANDBOX_URL
use_sandbox alicdn jdcdn
export ANSIBLE_NOCOLOR=1

step() { printf '\n=== %s\n' "$*"; }
fail() { echo "FAILED: $*"; exit 1; }
count() { grep -cF -- "$1" "$2" || true; }   # count TEXT FILE: the lines that contain TEXT
once() {  # once TEXT FILE: exactly one line contains TEXT
  local n
  n=$(count "$1" "$2")
  [ "$n" -eq 1 ] || { cat "$2"; fail "expected one line with '$1' in $2, got $n"; }
}
absent() { if grep -qF -- "$1" "$2"; then cat "$2"; fail "unexpected '$1' in $2"; fi; }
calls() { python "$helpers/sandbox_calls.py" "$sandbox" "$@"; }

# Each of the role's tasks that runs prints its task (or handler) header once and one result line, for one host (the loop items
# of the module tasks: one line per set).
ran_once() {  # ran_once OUTPUT
  local out=$1 task
  absent 'Validating arguments against arg spec' "$out"
  for task in "Check the role's variables" 'Read the paths every host asks for' 'Refresh on Alibaba Cloud CDN' \
              'Refresh on JD Cloud CDN' 'Summary of the CDN refresh'; do
    once "[cdnops.cdn.cdn_refresh : $task]" "$out"   # (TASK [...], or RUNNING HANDLER [...] in the handler)
  done
  once 'ok: [db1]' <(sed -n "/: Check the role's variables\]/,/^TASK\|^RUNNING/p" "$out")
  once '(item=file: 2 path(s) from 1 host(s))' "$out"   # Alibaba
  once '(item=file: 1 path(s) from 1 host(s))' "$out"   # JD
  once 'alicdn file: Submitted 2 paths of file refresh' "$out"
  if grep -qE '^web4 +: ok=([2-9]|[1-9][0-9])' "$out"; then   # (at most its include, or the notifying task)
    cat "$out"; fail "web4 ran some of the role's tasks"
  fi
}

for form in roles import_role include_role include_role_once handler; do
  step "$form: each provider's set refreshed once, each task of the role run once"
  ansible-playbook -i inventory.yml "$form.yml" >"$work/$form.out" 2>&1 || { cat "$work/$form.out"; fail "$form failed"; }
  ran_once "$work/$form.out"
  calls --calls alicdn=1 jdcdn=1
done

step "awx/project/refresh_cdn.yml (hosts: all, include_role run_once)"
ansible-playbook -i inventory.yml "$collection/awx/project/refresh_cdn.yml" >"$work/awx.out" 2>&1 \
  || { cat "$work/awx.out"; fail "the AWX playbook failed"; }
ran_once "$work/awx.out"
calls --calls alicdn=1 jdcdn=1

step "A role variable of the wrong type stops the role once, naming it, before any call (roles: form, six hosts)"
if ansible-playbook -i inventory.yml roles.yml -e cdn_refresh_wait_timeout=soon >"$work/bad.out" 2>&1; then
  cat "$work/bad.out"; fail "expected a failure"
fi
once 'fatal: [' "$work/bad.out"   # one host failed it, once
grep -q 'fatal: \[db1\]: FAILED! => .*Validation of arguments failed' "$work/bad.out" || { cat "$work/bad.out"; fail "no message"; }
grep -q "cdn_refresh_wait_timeout.*unable to convert to int" "$work/bad.out" || { cat "$work/bad.out"; fail "not named"; }
absent 'Read the paths every host asks for' "$work/bad.out"
calls --none

step "The handler form checks the variables too (it did not before)"
if ansible-playbook -i inventory.yml handler.yml -e '{"cdn_refresh_prefetch_wait": "sometimes"}' >"$work/bad-handler.out" 2>&1; then
  cat "$work/bad-handler.out"; fail "expected a failure"
fi
once 'fatal: [' "$work/bad-handler.out"
grep -q 'Validation of arguments failed' "$work/bad-handler.out" || { cat "$work/bad-handler.out"; fail "no message"; }
grep -q "cdn_refresh_prefetch_wait" "$work/bad-handler.out" || { cat "$work/bad-handler.out"; fail "not named"; }
calls --none

step "Twice in one play: the second run reports only itself (no wait, no prefetch of the first)"
ansible-playbook -i inventory.yml twice.yml >"$work/twice.out" 2>&1 || { cat "$work/twice.out"; fail "twice.yml failed"; }
summary() {  # summary N FILE: the Nth "Summary of the CDN refresh" task's output
  awk -v want="$1" '/^TASK \[/ {inside = 0} /^TASK \[cdnops.cdn.cdn_refresh : Summary of the CDN refresh\]/ {n++; inside = 1}
                    inside && n == want' "$2"
}
[ "$(count 'TASK [cdnops.cdn.cdn_refresh : Summary of the CDN refresh]' "$work/twice.out")" -eq 2 ] \
  || { cat "$work/twice.out"; fail "expected two summaries"; }
summary 1 "$work/twice.out" >"$work/first"
summary 2 "$work/twice.out" >"$work/second"
grep -q 'alicdn prefetch: Submitted' "$work/first" || { cat "$work/twice.out"; fail "the first run did not prefetch"; }
grep -q 'alicdn after waiting' "$work/first" || { cat "$work/twice.out"; fail "the first run did not wait"; }
grep -q 'alicdn file: Submitted 2 paths' "$work/second" || { cat "$work/twice.out"; fail "the second run did not refresh"; }
absent 'prefetch' "$work/second"
absent 'after waiting' "$work/second"
calls --calls alicdn=2 jdcdn=2

step "ansible-doc documents the variables (entry point refresh)"
ansible-doc -t role cdnops.cdn.cdn_refresh >"$work/doc.out" 2>&1
grep -q 'ENTRY POINT: .*refresh' "$work/doc.out" || { cat "$work/doc.out"; fail "no entry point refresh"; }
for variable in cdn_refresh_hosts cdn_refresh_paths cdn_refresh_provider cdn_refresh_wait cdn_refresh_prefetch; do
  grep -q "$variable" "$work/doc.out" || fail "$variable is not documented"
done
if grep -qE 'ENTRY POINT: \W*main\b' "$work/doc.out"; then fail "an entry point main is documented"; fi

step "all cdn_refresh_forms tests passed"
