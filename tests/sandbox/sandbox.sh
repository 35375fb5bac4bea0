# shellcheck shell=bash
# Source this from a test or demo script to run the sandbox in the background:
#   . tests/sandbox/sandbox.sh
#   start_sandbox LOG_FILE [cdn_sandbox.py flags...]   # sets SANDBOX_URL and SANDBOX_PID
#   trap stop_sandbox EXIT                            # (add your own clean-up to the same trap)

start_sandbox() {
  local log=$1
  shift
  python "$(dirname "${BASH_SOURCE[0]}")/cdn_sandbox.py" --port 0 "$@" >"$log" 2>&1 &
  SANDBOX_PID=$!
  for _ in $(seq 50); do grep -q '^listening on ' "$log" && break; sleep 0.1; done
  SANDBOX_URL=$(sed -n 's/^listening on //p' "$log" | head -n 1)
  if [ -z "$SANDBOX_URL" ]; then echo "the sandbox did not start:" >&2; cat "$log" >&2; return 1; fi
}

stop_sandbox() {
  if [ -n "${SANDBOX_PID:-}" ]; then kill "$SANDBOX_PID" 2>/dev/null || true; fi
}
