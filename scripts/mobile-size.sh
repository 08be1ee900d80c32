#!/usr/bin/env bash
# Measures the stripped size of libfyr_ffi.so built with the size-optimised
# `mobile` profile (opt-level z, LTO, one codegen unit, unwinding kept):
#   scripts/mobile-size.sh            # x86_64 (host)
#   scripts/mobile-size.sh aarch64    # also aarch64-unknown-linux-gnu, with Debian's
#                                     # gcc-aarch64-linux-gnu and `rustup target add aarch64-unknown-linux-gnu`
# Takes minutes on 2 cores (LTO); not part of CI.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
target="${CARGO_TARGET_DIR:-$root/target}"
cd "$root"

measure() { # triple-dir strip-tool label
  local lib="$target/$1/libfyr_ffi.so" out
  out="$(mktemp -d)/libfyr_ffi.so"
  cp "$lib" "$out"
  "$2" --strip-all "$out"
  awk -v l="$3" -v u="$(stat -c %s "$lib")" -v s="$(stat -c %s "$out")" \
    'BEGIN { printf "%-8s unstripped %9d bytes   stripped %9d bytes (%.2f MiB)\n", l, u, s, s / 1048576 }'
}

cargo build -p fyr-ffi --profile mobile
measure mobile strip x86_64
if [ "${1:-}" = aarch64 ]; then
  CARGO_TARGET_AARCH64_UNKNOWN_LINUX_GNU_LINKER=aarch64-linux-gnu-gcc \
    cargo build -p fyr-ffi --profile mobile --target aarch64-unknown-linux-gnu
  measure aarch64-unknown-linux-gnu/mobile aarch64-linux-gnu-strip aarch64
fi
