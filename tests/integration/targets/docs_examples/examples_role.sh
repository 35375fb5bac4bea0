# shellcheck shell=bash
# shellcheck disable=SC2154  # $A, $work, $here, $collection, $secret are set by runme.sh
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
  play_of "$1" web >"$work/include.yml"
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
{"vault_alicdn_access_key_id": "LTAIsandboxDemoKey", "vault_alicdn_access_key_secret": "$secret",
 "vault_jdcdn_username": "sandbox_user", "vault_jdcdn_secret_key": "$secret",
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
