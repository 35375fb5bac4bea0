# shellcheck shell=bash
# shellcheck disable=SC2154  # $A, $work, $here, $collection, $secret: runme.sh; $SANDBOX_*: tests/sandbox/sandbox.sh
# Tests of the examples of docs/user-guide.md (see examples_role.sh).

example_user_guide_module_defaults() {
  cat >"$work/vault.json" <<JSON
{"vault_alicdn_access_key_id": "$SANDBOX_ACCESS_KEY_ID", "vault_alicdn_access_key_secret": "$secret",
 "vault_jdcdn_username": "$SANDBOX_USERNAME", "vault_jdcdn_secret_key": "$secret"}
JSON
  # no credentials in the environment: they come from module_defaults only; -vvv shows each module's arguments
  # (ansible-core 2.21 adds them to the result only with ANSIBLE_INJECT_INVOCATION; earlier versions always do)
  succeeds "$work/ug-md.out" env -u ALIBABA_CLOUD_ACCESS_KEY_ID -u ALIBABA_CLOUD_ACCESS_KEY_SECRET \
    -u JDCDN_USERNAME -u JDCDN_SECRET_KEY ANSIBLE_INJECT_INVOCATION=true \
    ansible-playbook -i "$here/inventory.yml" "$1" -e "@$work/vault.json" -vvv
  no_secret "$work/ug-md.out"
  # group/cdnops.cdn.all reached both modules (each invocation shows it once)
  [ "$(grep -c '"timeout": 20,' "$work/ug-md.out")" = 2 ] ||
    { cat "$work/ug-md.out"; fail "timeout 20 not in both invocations"; }
  received 1 1 '{"alicdn": {"file": ["https://www.example.com/index.html"]},
                 "jdcdn": {"file": ["https://static.example.cn/index.html"]}}'
}

example_user_guide_playbook_task() {
  play_of web "$1" >"$work/ug-task.yml"   # two hosts, one refresh (run_once)
  playbook "$work/ug-task.yml" \
    -e '{"changed_urls": ["https://www.example.com/index.html", "https://www.example.com/css/site.css"]}'
  received 1 0 '{"alicdn": {"file": ["https://www.example.com/index.html", "https://www.example.com/css/site.css"]}}'
}

example_user_guide_ad_hoc() {
  mapfile -t commands < <(grep '^ansible ' "$1")
  [ "${#commands[@]}" = 2 ] || fail "expected two ansible commands in $1"
  succeeds "$work/ug-adhoc1.out" bash -c "${commands[0]}"
  result_has "$work/ug-adhoc1.out" 'r["changed"] and len(r["task_ids"]) == 1'
  calls_were alicdn:DescribeRefreshQuota alicdn:RefreshObjectCaches
  received 1 0 '{"alicdn": {"file": ["https://www.example.com/index.html", "https://www.example.com/app.js"]}}'
  # check mode: reads the quota, sends no refresh; the comma stays inside the one URL
  succeeds "$work/ug-adhoc2.out" bash -c "${commands[1]}"
  result_has "$work/ug-adhoc2.out" \
    '(r["changed"] and [(b["paths"], b["task_id"]) for b in r["batches"]] == [(["https://www.example.com/q?a=1,2"], None)])'
  calls_were alicdn:DescribeRefreshQuota
  received 0 0
}

example_user_guide_paths_file() {
  # the file next to the play, as the example says: 1,500 URLs (2 calls), a comment, a blank line and a duplicate
  python - "$work/release-urls.txt" <<'PY'
import sys
urls = ['https://www.example.com/release/%d.js' % n for n in range(1500)]
open(sys.argv[1], 'w').write('# release 42\n\n' + '\n'.join(urls) + '\n' + urls[7] + '\n')
PY
  play_of web "$1" >"$work/ug-pf.yml"
  succeeds "$work/ug-pf.out" playbook "$work/ug-pf.yml" -v
  has '"msg": "1500 URLs in 2 calls"' "$work/ug-pf.out"
  calls_were alicdn:DescribeRefreshQuota alicdn:RefreshObjectCaches alicdn:RefreshObjectCaches
  received 2 0 "$(python -c 'import json; print(json.dumps({"alicdn": {"file": [
    "https://www.example.com/release/%d.js" % n for n in range(1500)]}}))')"
}

example_user_guide_paths_file_ad_hoc() {
  mapfile -t commands < <(grep '^ansible ' "$1")
  [ "${#commands[@]}" = 1 ] || fail "expected one ansible command in $1"
  mkdir -p "$work/adhoc-pf"
  printf '# two pages\nhttps://www.example.com/index.html\r\nhttps://www.example.com/about.html\r\n' \
    >"$work/adhoc-pf/release-urls.txt"
  succeeds "$work/ug-pf-adhoc.out" bash -c "cd '$work/adhoc-pf' && ${commands[0]}"
  result_has "$work/ug-pf-adhoc.out" 'r["changed"] and r["path_count"] == 2 and "paths" not in r'
  received 0 1 '{"jdcdn": {"file": ["https://www.example.com/index.html", "https://www.example.com/about.html"]}}'
}

example_user_guide_failed_when() {
  # The task three times in one play, with room for one path in today's quota:
  # 1. Alibaba refuses the refresh with QuotaExceeded.Refresh (the quota ran out after the module's check): no failure
  # 2. it refreshes the path: no error to look at
  # 3. the module's own check finds the quota used up, and sends nothing: no failure
  play_of web "$1" "$1" "$1" >"$work/ug-fw.yml"
  sandbox config '{"alicdn_quota": {"url": 1}}'
  sandbox faults '{"vendor": "alicdn", "action": "RefreshObjectCaches", "kind": "quota"}'
  succeeds "$work/ug-fw.out" playbook "$work/ug-fw.yml" -v -e '{"changed_urls": ["https://www.example.com/index.html"]}'
  sandbox config '{"alicdn_quota": {"url": 10000}}'
  result_has "$work/ug-fw.out" "(len(rs) == 3 and rs[0]['error']['code'] == 'QuotaExceeded.Refresh'
                                 and 'error' not in rs[1] and rs[1]['changed']
                                 and rs[2]['error']['action'] == 'quota check' and rs[2]['not_submitted'])"
  calls_were alicdn:DescribeRefreshQuota alicdn:RefreshObjectCaches alicdn:DescribeRefreshQuota \
    alicdn:RefreshObjectCaches alicdn:DescribeRefreshQuota
  received 1 0 '{"alicdn": {"file": ["https://www.example.com/index.html"]}}'
  # any other failure (a domain the account does not have) fails the task
  play_of web "$1" >"$work/ug-fw-other.yml"
  expect_failure "$work/ug-fw-other.out" playbook "$work/ug-fw-other.yml" \
    -e '{"changed_urls": ["https://other.example.org/index.html"]}'
  has 'InvalidDomain.NotFound' "$work/ug-fw-other.out"
  calls_were alicdn:DescribeRefreshQuota alicdn:RefreshObjectCaches
  received 0 0
}

example_user_guide_prefetch() {
  play_of web "$1" >"$work/ug-prefetch.yml"
  playbook "$work/ug-prefetch.yml" \
    -e '{"release_urls": ["https://www.example.com/index.html", "https://www.example.com/css/site.css"]}'
  # the refresh, its polls until complete, then the prefetch (with its quota check)
  calls_were alicdn:DescribeRefreshQuota alicdn:RefreshObjectCaches alicdn:DescribeRefreshTaskById+ \
    alicdn:DescribeRefreshQuota alicdn:PushObjectCache
  local prefetched
  prefetched=$(param alicdn:PushObjectCache ObjectPath | sort | tr '\n' ' ')
  [ "$prefetched" = 'https://www.example.com/css/site.css https://www.example.com/index.html ' ] ||
    fail "prefetched: $prefetched"
  same_json "$(param alicdn:PushObjectCache WithHeader)" '{"Accept-Encoding": ["gzip"]}'   # Alibaba's form
  # the last poll before the prefetch saw the refresh complete: the sandbox's tasks run task_delay (0.5 s)
  python - "$work/log.json" <<'PY' || fail "no poll after the refresh could be complete (task_delay 0.5 s)"
import json, sys
log = json.load(open(sys.argv[1]))
time = {c['action']: c['time'] for c in log}   # the last call of each action
sys.exit(0 if time['DescribeRefreshTaskById'] >= time['RefreshObjectCaches'] + 0.5 else 1)
PY
  received 1 0 '{"alicdn": {"file": ["https://www.example.com/index.html", "https://www.example.com/css/site.css"]}}'
}

example_user_guide_prefetch_info() {
  # the JD prefetch the example asks about, registered as `prefetch`; then what the example registered
  cat >"$work/ug-jd-prefetch.yml" <<'YAML'
- name: Prefetch on JD Cloud CDN
  cdnops.cdn.jdcdn_prefetch:
    paths: [https://static.example.cn/index.html]
  delegate_to: localhost
  run_once: true
  register: prefetch
YAML
  cat >"$work/ug-jd-check.yml" <<'YAML'
- name: Check what the example registered
  ansible.builtin.assert:
    that:
      - warmed.tasks | map(attribute='task_id') | list == prefetch.task_ids
      - prefetch.task_ids | length == 1
YAML
  play_of web "$work/ug-jd-prefetch.yml" "$1" "$work/ug-jd-check.yml" >"$work/ug-info.yml"
  playbook "$work/ug-info.yml"
  calls_were jdcdn:prefetch jdcdn:prefetchQuery
  local task_id
  task_id=$(python -c 'import json, sys, urllib.request as r
print([t["taskid"] for t in json.load(r.urlopen(sys.argv[1] + "/_sandbox/tasks"))["jdcdn"]][0])' "$A")
  [ "$(param jdcdn:prefetchQuery taskid)" = "$task_id" ] || fail "prefetchQuery did not ask for the task $task_id"
  received 0 0
}

example_user_guide_refreshed_after() {
  play_of web "$1" >"$work/ug-rerun.yml"
  # the release was in place a minute ago; the re-run has the same time and one path more
  local release page='https://www.example.com/index.html' css='https://www.example.com/css/site.css'
  local about='https://www.example.com/about.html'
  release=$(($(date +%s) - 60))
  playbook "$work/ug-rerun.yml" -e "{\"release_in_place_at\": $release, \"release_urls\": [\"$page\", \"$css\"]}"
  succeeds "$work/ug-rerun.out" playbook "$work/ug-rerun.yml" -v \
    -e "{\"release_in_place_at\": $release, \"release_urls\": [\"$page\", \"$css\", \"$about\"]}"
  result_has "$work/ug-rerun.out" "(sorted(p['path'] for p in r['already_refreshed']) == ['$css', '$page']
                                    and [p for b in r['batches'] for p in b['paths']] == ['$about'])"
  # each run looks its domain's tasks up first; the second one sends only the new path (each path once in all)
  calls_were alicdn:DescribeRefreshTasks alicdn:DescribeRefreshQuota alicdn:RefreshObjectCaches \
    alicdn:DescribeRefreshTasks alicdn:DescribeRefreshQuota alicdn:RefreshObjectCaches
  received 2 0 "{\"alicdn\": {\"file\": [\"$page\", \"$css\", \"$about\"]}}"
}
