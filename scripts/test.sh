#!/usr/bin/env bash
# All of Fyr's tests, as CI runs them, on a fresh machine:
#   formatting; the whole workspace built once in the dev profile; Rust unit,
#   integration, store, screening, hub and sync tests (real HTTP on 127.0.0.1);
#   the hub's and the console's tests a second time against a real PostgreSQL
#   (scripts/ci-postgres.sh installs Debian's postgresql when missing and runs
#   a throwaway cluster on 127.0.0.1);
#   a fuzz smoke run of every cargo-fuzz target (a few seconds each; installs
#   cargo-fuzz when missing); the TUF conformance suite against the update
#   client (scripts/ci-tuf.sh: faketime from Debian, the suite from PyPI;
#   prints `tuf-conformance: N passed, …`); the console in real headless Chromium
#   (scripts/ci-browser.sh installs Debian's chromium and npm playwright-core
#   when missing; its run ends with `browser: N passed, M failed`); then the
#   Kotlin tests on the JVM against the real library (they install kotlinc
#   from npm and JNA from Debian when missing).
# The last line is `kotlin: N passed, M failed`.
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TERM_COLOR="${CARGO_TERM_COLOR:-never}"

command -v cargo >/dev/null || { echo "test.sh: cargo is needed (rustup.rs)"; exit 1; }
if ! rustfmt --version >/dev/null 2>&1; then rustup component add rustfmt; fi

echo "== cargo fmt --check"
cargo fmt --all -- --check

echo "== cargo build (dev profile, whole workspace)"
cargo build --workspace --all-targets

echo "== cargo test"
cargo test --workspace

echo "== the hub's and the console's tests again, on PostgreSQL (scripts/ci-postgres.sh)"
scripts/ci-postgres.sh

echo "== fuzz smoke (cargo-fuzz on stable via RUSTC_BOOTSTRAP=1, one build, ${FUZZ_SECONDS:-5} s per target)"
scripts/fuzz.sh smoke

echo "== TUF conformance suite (the update client through scripts/fyr-tuf)"
scripts/ci-tuf.sh

echo "== the console in a real browser"
browser=0
scripts/ci-browser.sh || browser=$?

echo "== the phone library links no TLS or HTTP client (the app carries the transport)"
if cargo tree -p fyr-ffi -e normal --prefix none | grep -E '^(reqwest|rustls|ring|hyper|hyper-util|hyper-rustls|webpki-roots|tokio-rustls) '; then
  echo "test.sh: fyr-ffi depends on a TLS or HTTP crate above (ARCHITECTURE.md, \"The transport seam\")"
  exit 1
fi

echo "== the phone library with the phones' features (fyr-core without \`authoring\`), for Kotlin"
# The workspace build unifies `authoring` into the core; the phones build
# fyr-ffi alone. This build replaces target/debug/libfyr_ffi.so, so the
# Kotlin tests load the library the phones get (ARCHITECTURE.md, "The phone
# library's size").
cargo build -p fyr-ffi

echo "== Kotlin on the JVM"
scripts/ci-kotlin.sh
exit "$browser"
