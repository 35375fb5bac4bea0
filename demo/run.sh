#!/usr/bin/env bash
# make demo: deploy a small static site to four local "web hosts", refresh on the CDN exactly what changed, wait until
# the refresh is complete, then prefetch it; then show a failed refresh that a re-run finishes, without local state.
#
# By default both CDNs are the collection's sandbox (tests/sandbox/), started here and stopped on exit.
# To use a real vendor, give its endpoint and credentials in the environment, and the base URL of a site
# you own on that CDN (the demo refreshes <base URL>/index.html, /about.html, /css/site.css, /js/app.js):
#   Alibaba Cloud CDN: ALICDN_ENDPOINT=https://cdn.aliyuncs.com ALIBABA_CLOUD_ACCESS_KEY_ID=... \
#                      ALIBABA_CLOUD_ACCESS_KEY_SECRET=... DEMO_ALICDN_BASE_URL=https://www.your-site.com
#   JD Cloud CDN:      JDCDN_ENDPOINT=https://opencdn.jcloud.com JDCDN_USERNAME=... JDCDN_SECRET_KEY=... \
#                      DEMO_JDCDN_BASE_URL=https://static.your-site.cn
# A vendor without its *_ENDPOINT set uses the sandbox (with the sandbox's demo credentials).
set -euo pipefail

DEMO=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(dirname "$DEMO")
OUT=$DEMO/output
if [ -t 1 ]; then bold=$'\033[1m' plain=$'\033[0m'; else bold='' plain=''; fi
heading() { printf '\n%s=== %s%s\n' "$bold" "$*" "$plain"; }

# --- tools: the Makefile's virtualenv (make demo puts it on PATH; run directly, build it) -------------------
if ! command -v ansible-playbook >/dev/null 2>&1 || ! python -c 'import requests' >/dev/null 2>&1; then
  heading "Setting up the tools (make venv)"
  make -s -C "$REPO" venv
  export PATH="$REPO/.venv/bin:$PATH"
fi

heading "Installing the collection (ansible-galaxy collection build + install into demo/output)"
rm -rf "$OUT"
mkdir -p "$OUT/dist" "$OUT/collections"
export ANSIBLE_COLLECTIONS_PATH=$OUT/collections
ansible-galaxy collection build --force --output-path "$OUT/dist" "$REPO" | tail -n 1
ansible-galaxy collection install --force -p "$OUT/collections" "$OUT"/dist/cdnops-cdn-*.tar.gz | tail -n 1

# --- the CDN APIs: the sandbox unless a vendor endpoint is given -------------------------------------------
heading "CDN APIs"
sandbox=
if [ -z "${ALICDN_ENDPOINT:-}" ] || [ -z "${JDCDN_ENDPOINT:-}" ]; then
  # shellcheck source=../tests/sandbox/sandbox.sh
  . "$REPO/tests/sandbox/sandbox.sh"
  trap stop_sandbox EXIT
  start_sandbox "$OUT/sandbox.log" --task-delay 2
  sandbox=$SANDBOX_URL
fi
on_sandbox=()
if [ -n "${ALICDN_ENDPOINT:-}" ]; then
  echo "Alibaba Cloud CDN: $ALICDN_ENDPOINT (credentials from the environment)"
else
  on_sandbox+=(alicdn)
  unset ALIBABA_CLOUD_SECURITY_TOKEN
  echo "Alibaba Cloud CDN: sandbox at $sandbox"
fi
if [ -n "${JDCDN_ENDPOINT:-}" ]; then
  echo "JD Cloud CDN:      $JDCDN_ENDPOINT (credentials from the environment)"
else
  on_sandbox+=(jdcdn)
  echo "JD Cloud CDN:      sandbox at $sandbox"
fi
if [ -n "$sandbox" ]; then use_sandbox "${on_sandbox[@]}"; fi

base_urls=()
if [ -n "${DEMO_ALICDN_BASE_URL:-}" ]; then base_urls+=(-e "demo_alicdn_base_url=$DEMO_ALICDN_BASE_URL"); fi
if [ -n "${DEMO_JDCDN_BASE_URL:-}" ]; then base_urls+=(-e "demo_jdcdn_base_url=$DEMO_JDCDN_BASE_URL"); fi

cd "$DEMO"   # for ansible.cfg
deploy() { ansible-playbook deploy.yml "${base_urls[@]}" "$@"; }
alicdn_sandbox() { [ -n "$sandbox" ] && [ "$ALICDN_ENDPOINT" = "$sandbox" ]; }
received() {   # what the sandbox received (a vendor given by its *_ENDPOINT is not shown)
  if [ -n "$sandbox" ]; then
    if [ "${#on_sandbox[@]}" = 2 ]; then
      printf '%sThe CDN APIs received:%s\n' "$bold" "$plain"
    else
      printf '%sThe sandbox (for %s only) received:%s\n' "$bold" "${on_sandbox[0]}" "$plain"
    fi
    python "$DEMO/sandbox_report.py" "$sandbox" "$OUT/reported-calls"
  fi
}

heading "1. First deploy (release 1): every file is new, so every file is refreshed, once per CDN, then prefetched"
deploy -e demo_release=1
received

heading "2. The same deploy again: nothing changed, so nothing is refreshed"
deploy -e demo_release=1
received

heading "3. Release 2: index.html and js/app.js change; only those two are refreshed, then prefetched"
deploy -e demo_release=2
received

# Re-runs: with a release time the role asks Alibaba which paths a refresh task since then already covers, so a
# re-run finishes what a failed run left and a re-run after a successful one sends nothing. Shown on the Alibaba hosts:
# JD has no lookup of earlier tasks, so a re-run sends JD every path again.
release_time=$(date -u +%Y-%m-%dT%H:%M:%SZ)
recovery=(--limit alicdn_sites -e demo_release=3 -e "cdn_refresh_release_time=$release_time")
if alicdn_sandbox; then
  heading "4. Release 3 on the Alibaba hosts, release time $release_time; Alibaba refuses the refresh, so the deploy fails"
  python - "$sandbox" <<'PY'
import json, sys, urllib.request
fault = {'vendor': 'alicdn', 'action': 'RefreshObjectCaches', 'kind': 'quota', 'times': 1}
urllib.request.urlopen(urllib.request.Request(sys.argv[1] + '/_sandbox/faults', json.dumps(fault).encode())).read()
print('(the sandbox answers the next RefreshObjectCaches with QuotaExceeded.Refresh)')
PY
  if deploy "${recovery[@]}"; then echo "expected the deploy to fail"; exit 1; fi
else
  heading "4. Release 3 on the Alibaba hosts, release time $release_time (no fault is injected at $ALICDN_ENDPOINT: the deploy refreshes)"
  deploy "${recovery[@]}"
fi
received

if alicdn_sandbox; then
  heading "5. The same deploy again: nothing changes on disk, but no Alibaba task since the release time holds the files, so they are refreshed"
else
  heading "5. The same deploy again: a task since the release time holds every file, so there is no refresh call and no prefetch"
fi
deploy "${recovery[@]}"
received

heading "6. And again: a task since the release time holds every file, so there is no refresh call and no prefetch"
deploy "${recovery[@]}"
received

if alicdn_sandbox; then
  heading "Done: each CDN got one refresh call per deploy that changed files, each followed by a prefetch once it was complete; the failed refresh was finished by a re-run"
else
  heading "Done: each CDN got one refresh call per deploy that changed files, each followed by a prefetch once it was complete"
fi
