#!/usr/bin/env bash
# The console's browser tests, as CI runs them: Debian's `chromium` (installed
# with apt-get when missing) driven headless by npm `playwright-core` (installed
# from tests/browser/package-lock.json when missing) against a real hub on
# 127.0.0.1, using the dev-profile `fyr` binary `cargo build --workspace` left
# in the target dir (built if missing). Screenshots go to docs/screenshots/.
# Ends with `browser: N passed, M failed`; exits non-zero if M > 0.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
target="${CARGO_TARGET_DIR:-$root/target}"
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

if [ ! -x /usr/bin/chromium ]; then
  echo "ci-browser: installing Debian's chromium"
  as_root apt-get update -qq
  as_root apt-get install -y -qq --no-install-recommends chromium >/dev/null
fi
if [ ! -d tests/browser/node_modules/playwright-core ]; then
  echo "ci-browser: installing playwright-core from the lock file"
  (cd tests/browser && npm ci --no-audit --no-fund --silent)
fi
# Always (incremental): a stale binary would test old code.
cargo build -p fyr-cli
status=0
FYR_BIN="$target/debug/fyr" node tests/browser/console.test.mjs || status=1
FYR_BIN="$target/debug/fyr" node tests/browser/exchange.test.mjs || status=1
exit $status
