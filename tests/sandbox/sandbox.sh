# shellcheck shell=bash
# Source this from a test or demo script to run the sandbox in the background:
#   . tests/sandbox/sandbox.sh
#   start_sandbox LOG_FILE [cdn_sandbox.py flags...]   # sets SANDBOX_URL and SANDBOX_PID
#   trap stop_sandbox EXIT                            # (add your own clean-up to the same trap)
#   use_sandbox alicdn jdcdn                          # the modules' environment for $SANDBOX_URL's demo accounts

# The demo accounts the sandbox accepts (DEMO_ALICDN_CREDENTIALS and DEMO_JDCDN_CREDENTIALS in cdn_sandbox.py).
SANDBOX_ACCESS_KEY_ID=LTAIsandboxDemoKey
SANDBOX_USERNAME=sandbox_user
SANDBOX_SECRET=sandbox-demo-secret

start_sandbox() {
  local log=$1
  shift
  python "$(dirname "${BASH_SOURCE[0]}")/cdn_sandbox.py" --port 0 "$@" >"$log" 2>&1 &
  SANDBOX_PID=$!
  for _ in $(seq 50); do grep -qs '^listening on ' "$log" && break; sleep 0.1; done
  SANDBOX_URL=$(sed -n 's/^listening on //p' "$log" | head -n 1)
  if [ -z "$SANDBOX_URL" ]; then echo "the sandbox did not start:" >&2; cat "$log" >&2; return 1; fi
}

stop_sandbox() {
  if [ -n "${SANDBOX_PID:-}" ]; then kill "$SANDBOX_PID" 2>/dev/null || true; fi
}

# use_sandbox VENDOR...: export the variables the modules read for each vendor (alicdn, jdcdn), as an AWX credential
# type injects them, with the sandbox's demo account and $SANDBOX_URL as the endpoint; and keep the sandbox off any
# proxy (NO_PROXY).
use_sandbox() {
  local vendor
  for vendor in "$@"; do
    case $vendor in
      alicdn)
        export ALIBABA_CLOUD_ACCESS_KEY_ID=$SANDBOX_ACCESS_KEY_ID ALIBABA_CLOUD_ACCESS_KEY_SECRET=$SANDBOX_SECRET
        export ALICDN_ENDPOINT=$SANDBOX_URL ;;
      jdcdn)
        export JDCDN_USERNAME=$SANDBOX_USERNAME JDCDN_SECRET_KEY=$SANDBOX_SECRET JDCDN_ENDPOINT=$SANDBOX_URL ;;
      *)
        echo "use_sandbox: unknown vendor '$vendor' (alicdn or jdcdn)" >&2
        return 1 ;;
    esac
  done
  export NO_PROXY=127.0.0.1${NO_PROXY:+,$NO_PROXY}
}
