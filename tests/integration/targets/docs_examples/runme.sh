#!/usr/bin/env bash
# Runs every YAML example (and every marked shell example) of the documents below, as written, against the
# collection's sandbox (README.md explains the markers and how to add a document or an example). Credentials and
# endpoints come from the environment, as in the documents, unless an example says otherwise.
# EXAMPLES=REGEX (when running this script by hand) runs only the examples whose names match.
set -eu -o pipefail

# Documents whose examples are tested; each needs the test functions of its examples in examples_*.sh.
DOCS=(docs/role.md docs/awx.md docs/user-guide.md README.md)

collection=${ANSIBLE_COLLECTIONS_PATH%%:*}/ansible_collections/cdnops/cdn
# (used by lib.sh and examples_*.sh)
# shellcheck disable=SC2034
here=$(pwd) helpers=$(cd ../cdn_refresh && pwd)   # sandbox_calls.py (needs/target/cdn_refresh)
work=$(mktemp -d)
trap 'stop_sandbox; rm -rf "$work"' EXIT
# shellcheck source=../../../sandbox/sandbox.sh
. "$collection/tests/sandbox/sandbox.sh"
# The account owns the documents' domains only: a path sent as a domain is refused.
start_sandbox "$work/sandbox.log" --task-delay 0.5 --fail-pattern broken --domains www.example.com,static.example.cn
# (used by lib.sh and examples_*.sh)
# shellcheck disable=SC2034
A=$SANDBOX_URL secret=$SANDBOX_SECRET
use_sandbox alicdn jdcdn   # endpoints: $A, the sandbox started last
ANSIBLE_PYTHON_INTERPRETER=$(command -v python)
export ANSIBLE_PYTHON_INTERPRETER

# shellcheck source=lib.sh
. ./lib.sh
for file in examples_*.sh; do
  # shellcheck disable=SC1090
  . "./$file"
done

declare -A seen=()
for doc in "${DOCS[@]}"; do
  out=$work/examples/$(basename "$doc" .md)
  python extract_examples.py "$collection/$doc" "$out" >"$work/list"
  mapfile -t entries <"$work/list"
  for entry in "${entries[@]}"; do
    read -r name file mode reason <<<"$entry"
    test_function=example_${name//-/_}
    [ -z "${seen[$test_function]:-}" ] || fail "the example name $name is used in two documents"
    seen[$test_function]=$doc
    [[ $name =~ ${EXAMPLES:-.} ]] || continue
    if [ "$mode" = skip ]; then
      printf '\n=== %s: %s is not run: %s\n' "$doc" "$name" "$reason"
      # an optional test function checks what can be checked without running it (it must send nothing)
      if declare -F "$test_function" >/dev/null; then "$test_function" "$file"; nothing_sent; fi
      continue
    fi
    declare -F "$test_function" >/dev/null ||
      fail "$doc: no test for the example $name; define $test_function in examples_*.sh"
    step "$doc: $name"
    started=$SECONDS
    "$test_function" "$file"
    nothing_sent   # the test accounted for every call
    printf '=== %s: passed in %d s\n' "$name" $((SECONDS - started))
  done
done

# A test whose example is gone from the documents is an error too: remove it with the example.
for test_function in $(declare -F | awk '$3 ~ /^example_/ {print $3}'); do
  [ -n "${seen[$test_function]:-}" ] || fail "$test_function tests no example of ${DOCS[*]}"
done
step "all ${#seen[@]} examples of ${DOCS[*]} checked in $SECONDS s"
