# shellcheck shell=bash
# shellcheck disable=SC2154  # $A, $work, $here, $collection, $secret: runme.sh; $SANDBOX_*: tests/sandbox/sandbox.sh
# Tests of the examples of README.md (see examples_role.sh).

example_readme_playbook_task() {
  play_of web "$1" >"$work/readme-task.yml"   # two hosts, one refresh (run_once)
  playbook "$work/readme-task.yml"
  received 1 0 '{"alicdn": {"file": ["https://www.example.com/index.html", "https://www.example.com/css/site.css"]}}'
}

example_readme_ad_hoc() {
  # The block as written, with the sandbox's JD user and secret in place of the placeholders of its export line,
  # and none in the environment: the export line must set the variables the module reads.
  sed -E -e "s/(^export .*JDCDN_USERNAME=)[^ ]*/\1$SANDBOX_USERNAME/" -e "s/(^export .*JDCDN_SECRET_KEY=)[^ ]*/\1$secret/" \
    "$1" >"$work/readme-adhoc.sh"
  grep -q "^export JDCDN_USERNAME=$SANDBOX_USERNAME JDCDN_SECRET_KEY=$secret\$" "$work/readme-adhoc.sh" ||
    fail "the export line does not set JDCDN_USERNAME and JDCDN_SECRET_KEY: $(grep '^export' "$1")"
  local exports
  exports=$(grep '^export ' "$work/readme-adhoc.sh")
  mapfile -t commands < <(grep '^ansible ' "$work/readme-adhoc.sh")
  [ "${#commands[@]}" = 2 ] || fail "expected two ansible commands in $1"
  for i in 0 1; do
    succeeds "$work/readme-adhoc$i.out" env -u JDCDN_USERNAME -u JDCDN_SECRET_KEY bash -c "$exports; ${commands[$i]}"
    no_secret "$work/readme-adhoc$i.out"
    if [ "$i" = 0 ]; then
      # --check shows the batches (not submitted: no task ID) and sends nothing (JD has no quota to read)
      result_has "$work/readme-adhoc0.out" '(r["changed"]
        and [(b["object_type"], b["paths"], b["task_id"]) for b in r["batches"]]
            == [("file", ["https://www.example.com/index.html"], None)])'
      nothing_sent
    fi
  done
  result_has "$work/readme-adhoc1.out" 'r["changed"] and len(r["task_ids"]) == 1'
  received 0 1 '{"jdcdn": {"file": ["https://www.example.com/index.html"]}}'
}

example_readme_awx_job_template() {
  # not run (no AWX here): the playbook it names is the project playbook of this repository, and it parses
  local playbook_path
  playbook_path=$(python -c 'import sys, yaml
task, = yaml.safe_load(open(sys.argv[1]))
print(task["awx.awx.job_template"]["playbook"])' "$1")
  [ -f "$collection/$playbook_path" ] || fail "$playbook_path does not exist"
  playbook --syntax-check "$collection/$playbook_path"
}
