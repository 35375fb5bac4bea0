# shellcheck shell=bash
# shellcheck disable=SC2154  # $A, $work, $here, $collection, $secret: runme.sh; $SANDBOX_*: tests/sandbox/sandbox.sh
# Tests of the YAML examples of docs/awx.md (see examples_role.sh).

example_awx_survey() {
  # the extra variables a survey gives the project playbook, on an inventory whose hosts ask for nothing
  playbook "$collection/awx/project/refresh_cdn.yml" -e "@$1"
  received 1 0 '{"alicdn": {"file": ["https://www.example.com/index.html", "https://www.example.com/css/site.css"]}}'
}
