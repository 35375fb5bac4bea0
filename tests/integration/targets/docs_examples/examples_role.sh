# shellcheck shell=bash
# shellcheck disable=SC2154  # $A, $work, $here, $collection, $secret: runme.sh; $SANDBOX_*: tests/sandbox/sandbox.sh
# Tests of the YAML examples of docs/role.md: example_NAME FILE runs the example NAME (extracted to FILE) and checks
# what the sandbox received. Sourced by runme.sh (lib.sh has the helpers; $A is the sandbox, inventory.yml the hosts).

docroot_vars() {  # each host writes to its own directory under $work/www (the examples write to /var/www/html)
  mkdir -p "$work/www/web1/css" "$work/www/web1/js" "$work/www/web2/css" "$work/www/web2/js"
  printf '%s' "site_docroot=$work/www/{{ inventory_hostname }}"
}

example_role_quick_start() {
  cp -r "$here/files/site" "$(dirname "$1")/"   # the templates the example writes (site/*.j2 beside the playbook)
  playbook "$1" -e "$(docroot_vars)"
  received 1 1 '{"alicdn": {"file": ["https://www.example.com/index.html", "https://www.example.com/css/site.css",
                                     "https://www.example.com/js/app.js"]},
                 "jdcdn": {"file": ["https://static.example.cn/index.html", "https://static.example.cn/css/site.css",
                                    "https://static.example.cn/js/app.js"]}}'
  # "A run that changes nothing notifies nothing and refreshes nothing."
  playbook "$1" -e "$(docroot_vars)" | tee "$work/quick-again.out" | tail -n 4
  if grep -q 'RUNNING HANDLER' "$work/quick-again.out"; then fail "the handler ran although nothing changed"; fi
  nothing_sent
  # A new release changes one file (index.html shows the release): only that one is refreshed.
  playbook "$1" -e "$(docroot_vars)" -e site_release=2 --limit web1
  received 1 0 '{"alicdn": {"file": ["https://www.example.com/index.html"]}}'
}

example_role_include() {
  play_of web "$1" >"$work/include.yml"
  playbook "$work/include.yml" -e '{"cdn_refresh_paths": ["/include.html"]}'
  received 1 1 '{"alicdn": {"file": ["https://www.example.com/include.html"]},
                 "jdcdn": {"file": ["https://static.example.cn/include.html"]}}'
  # no host asks for anything: nothing is sent
  playbook "$work/include.yml" | tee "$work/include-none.out" | tail -n 4
  has 'Nothing to refresh: no host of cdn_refresh_hosts has cdn_refresh_paths.' "$work/include-none.out"
}

example_role_paths() {
  playbook "$here/refresh.yml" --limit web1 -e "@$1"
  received 2 0 '{"alicdn": {"file": ["https://www.example.com/index.html", "https://www.example.com/css/site.css",
                                     "https://www.example.com/js/app.js", "https://www.example.com/about.html"],
                            "directory": ["https://www.example.com/img/"]}}'
}

example_role_paths_lines() {
  playbook "$here/refresh.yml" --limit web2 -e "@$1"
  received 0 1 '{"jdcdn": {"file": ["https://static.example.cn/index.html", "https://static.example.cn/js/app.js"]}}'
}

example_role_paths_by_type() {
  playbook "$here/refresh.yml" --limit web1 -e "@$1"
  received 2 0 '{"alicdn": {"file": ["https://www.example.com/index.html", "https://www.example.com/about.html"],
                            "directory": ["https://www.example.com/img/"]}}'
}

example_role_module_defaults() {
  cat >"$work/vault.json" <<JSON
{"vault_alicdn_access_key_id": "$SANDBOX_ACCESS_KEY_ID", "vault_alicdn_access_key_secret": "$secret",
 "vault_jdcdn_username": "$SANDBOX_USERNAME", "vault_jdcdn_secret_key": "$secret",
 "cdn_refresh_paths": ["/md.html"]}
JSON
  # no credentials in the environment: they come from module_defaults only
  env -u ALIBABA_CLOUD_ACCESS_KEY_ID -u ALIBABA_CLOUD_ACCESS_KEY_SECRET -u JDCDN_USERNAME -u JDCDN_SECRET_KEY \
    ansible-playbook -i "$here/inventory.yml" "$1" -e "@$work/vault.json" | tee "$work/md.out" | tail -n 4
  no_secret "$work/md.out"
  received 1 1 '{"alicdn": {"file": ["https://www.example.com/md.html"]},
                 "jdcdn": {"file": ["https://static.example.cn/md.html"]}}'
}

example_role_serial_once() {
  playbook "$1" -e "$(docroot_vars)"
  received 1 1 '{"alicdn": {"file": ["https://www.example.com/index.html"]},
                 "jdcdn": {"file": ["https://static.example.cn/index.html"]}}'
  playbook "$1" -e "$(docroot_vars)"   # nothing changed: nothing to refresh
  nothing_sent
}

# --- prefetch, credential chain and release time (docs/role.md) ---------------------------------------------------

sandbox_post() {  # sandbox_post ROUTE JSON: an admin call (/_sandbox/config, /_sandbox/faults, ...)
  python -c 'import sys, urllib.request as r
r.urlopen(r.Request(sys.argv[1] + sys.argv[2], sys.argv[3].encode())).read()' "$A" "$1" "$2"
}

prefetched() {  # prefetched "ALICDN_URLS" "JDCDN_URLS": the accepted prefetch calls so far had exactly these URLs
  python - "$A" "$1" "$2" <<'PY' || fail "unexpected prefetch calls"
import json, sys, urllib.request
got = {'alicdn': [], 'jdcdn': []}
for call in json.load(urllib.request.urlopen(sys.argv[1] + '/_sandbox/requests')):
    if call['action'] in ('PushObjectCache', 'prefetch') and call['http_status'] == 200 and call['code'] in (None, 0):
        urls = call['params'].get('ObjectPath', '').split('\n') if call['vendor'] == 'alicdn' else call['params']['publish_urls']
        got[call['vendor']] += [urls] if isinstance(urls, str) else urls
print('prefetched: %s' % got)
sys.exit(0 if got == {'alicdn': sys.argv[2].split(), 'jdcdn': sys.argv[3].split()} else 1)
PY
}

example_role_alicdn_profile() {
  local home=$work/profile-home arn=acs:ram::123456789012:role/cdn-refresh
  mkdir -p "$home/.aliyun"
  cat >"$home/.aliyun/config.json" <<JSON
{"current": "default", "profiles": [{"name": "cdn", "mode": "AK", "access_key_id": "$SANDBOX_ACCESS_KEY_ID",
                                     "access_key_secret": "$secret"}]}
JSON
  sandbox_post /_sandbox/config "{\"sts_roles\": {\"$arn\": true}}"
  # no keys in the environment: the profile of ~/.aliyun/config.json, then AssumeRole (STS is the sandbox here)
  HOME=$home env -u ALIBABA_CLOUD_ACCESS_KEY_ID -u ALIBABA_CLOUD_ACCESS_KEY_SECRET \
    ansible-playbook -i "$here/inventory.yml" "$here/refresh.yml" --limit web1 -e "@$1" \
    -e "cdn_refresh_alicdn_sts_endpoint=$A" -e '{"cdn_refresh_paths": ["/profile.html"]}' -v \
    | tee "$work/profile.out" | tail -n 4
  no_secret "$work/profile.out"
  python - "$A" "$arn" "$SANDBOX_ACCESS_KEY_ID" <<'PY' || fail "the refresh was not signed with the role assumed with the profile's key"
import json, sys, urllib.request
calls = json.load(urllib.request.urlopen(sys.argv[1] + '/_sandbox/requests'))
assumed = [c for c in calls if c['action'] == 'AssumeRole' and c['http_status'] == 200]
refreshed = [c for c in calls if c['action'] == 'RefreshObjectCaches' and c['http_status'] == 200]
print([(c['action'], c['access_key_id']) for c in assumed + refreshed])
assert [c['access_key_id'] for c in assumed] == [sys.argv[3]] and assumed[0]['params']['RoleArn'] == sys.argv[2]
assert refreshed and all(c['access_key_id'].startswith('STS.') for c in refreshed)
PY
  received 1 0 '{"alicdn": {"file": ["https://www.example.com/profile.html"]}}'
}

example_role_prefetch() {
  playbook "$here/refresh.yml" --limit web1,web2 -e "@$1" \
    -e '{"cdn_refresh_paths": ["/p.html", {"path": "/img/", "object_type": "directory"}]}' \
    | tee "$work/prefetch.out" | tail -n 14
  has 'alicdn prefetch after waiting: 1 task(s) complete, 0 failed, 0 still running' "$work/prefetch.out"
  has 'jdcdn prefetch after waiting: 1 task(s) complete, 0 failed, 0 still running' "$work/prefetch.out"
  prefetched https://www.example.com/p.html https://static.example.cn/p.html   # files only, not the directory
  received 2 2 '{"alicdn": {"file": ["https://www.example.com/p.html"], "directory": ["https://www.example.com/img/"]},
                 "jdcdn": {"file": ["https://static.example.cn/p.html"], "directory": ["https://static.example.cn/img/"]}}'
}

example_role_prefetch_hot_pages() {
  playbook "$here/refresh.yml" --limit web1 -e "@$1" -e '{"cdn_refresh_paths": ["/css/site.css"]}' | tail -n 4
  prefetched "https://www.example.com/ https://www.example.com/index.html" ""
  received 1 0 '{"alicdn": {"file": ["https://www.example.com/css/site.css"]}}'
}

example_role_release_time() {
  cp -r "$here/files/site" "$(dirname "$1")/"
  local release files
  release=$(date -u +%Y-%m-%dT%H:%M:%SZ)
  files='["https://www.example.com/index.html", "https://www.example.com/css/site.css", "https://www.example.com/js/app.js"]'
  local run=(playbook "$1" -e "$(docroot_vars)" -e "cdn_refresh_release_time=$release")
  # Alibaba: the first refresh call is refused, so the deploy fails; a re-run finishes it; the next sends nothing.
  sandbox_post /_sandbox/faults '{"vendor": "alicdn", "action": "RefreshObjectCaches", "kind": "quota"}'
  expect_failure "$work/release1.out" "${run[@]}" --limit web1
  has 'QuotaExceeded.Refresh' "$work/release1.out"
  python "$helpers/sandbox_calls.py" "$A" --keep --calls alicdn=0
  "${run[@]}" --limit web1 | tail -n 4
  python "$helpers/sandbox_calls.py" "$A" --keep --calls alicdn=1
  "${run[@]}" --limit web1 | tee "$work/release3.out" | tail -n 4
  has "alicdn file: Nothing to refresh: 3 paths already refreshed after $release (1 task)." "$work/release3.out"
  grep -Eq 'web1 +: ok=[0-9]+ +changed=0 ' "$work/release3.out" || fail "the re-run after a successful one changed something"
  received 1 0 "{\"alicdn\": {\"file\": $files}}"   # since the fault: one refresh call in all, each path once
  # JD has no lookup: every run sends every path; while the first task runs, JD answers "already queued".
  sandbox_post /_sandbox/config '{"task_delay": 600}'
  "${run[@]}" --limit web2 | tail -n 4
  "${run[@]}" --limit web2 | tee "$work/release-jd.out" | tail -n 12
  sandbox_post /_sandbox/config '{"task_delay": 0.5}'
  has 'JD has no lookup of earlier tasks: with a release time every path was sent again' "$work/release-jd.out"
  has 'already queued at jdcdn, not submitted again: https://static.example.cn/index.html' "$work/release-jd.out"
  received 0 1 '{"jdcdn": {"file": ["https://static.example.cn/index.html", "https://static.example.cn/css/site.css",
                                    "https://static.example.cn/js/app.js"]}}'
}
