#!/usr/bin/env bash
# Builds libfyr_ffi.so as the phones get it and prints its stripped size:
#   - the size-optimised `mobile` profile (opt-level z, fat LTO, one codegen
#     unit, panic = "unwind" kept so a panic becomes an exception);
#   - the core without its `authoring` feature (no TOML parser: fyr-ffi's
#     Cargo.toml), built as `-p fyr-ffi` alone so no other crate unifies it in;
#   - SQLite without what Fyr never uses: FTS3/4/5, R*Tree, dbstat, STAT4,
#     soundex, loadable extensions, deprecated APIs, shared cache, the JSON
#     functions, UTF-16 APIs, column metadata and declared types, progress
#     callbacks, sqlite3_complete/get_table, TCL variables, memory statistics;
#   - C code (SQLite, ring's C) without unwind tables: no Rust panic unwinds
#     through a C frame (rusqlite catches panics in its callbacks), and
#     `.eh_frame` for the Rust code stays (panic = "unwind");
#   - only the cdylib crate type, linked by LLD with identical code folding,
#     16 KB pages and Android's packed relocations (APS2, `--pack-dyn-relocs=
#     android`, bionic from API 23; minSdk is 26).
# The Android build (android/app/build.gradle.kts) uses the same settings, so
# the x86_64 figure is what an x86_64 Android device loads. glibc cannot load
# an APS2-packed library: this build is for measuring (tests load the dev
# build, scripts/ci-kotlin.sh).
#
#   scripts/mobile-size.sh            # x86_64 (host)
#   scripts/mobile-size.sh aarch64    # also aarch64-unknown-linux-gnu; needs Debian's
#                                     # gcc-aarch64-linux-gnu and `rustup target add aarch64-unknown-linux-gnu`
# Takes minutes on 2 cores (LTO); not part of CI.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
target="${CARGO_TARGET_DIR:-$root/target}"
cd "$root"

# The phones' C build flags (bindings/mobile-build.env, shared with android/
# and ios/), exported unless already set.
. "$root/bindings/mobile-build-env.sh"
link_args=(-C link-arg=-fuse-ld=lld -C link-arg=-Wl,--icf=all -C link-arg=-Wl,-z,max-page-size=16384
  -C link-arg=-Wl,--pack-dyn-relocs=android)
gcc_ld="$(rustc --print sysroot)/lib/rustlib/$(rustc -vV | sed -n 's/^host: //p')/bin/gcc-ld"

measure() { # lib strip-tool label
  local out
  out="$(mktemp -d)/libfyr_ffi.so"
  cp "$1" "$out"
  "$2" --strip-all "$out"
  awk -v l="$3" -v u="$(stat -c %s "$1")" -v s="$(stat -c %s "$out")" \
    'BEGIN { printf "%-8s unstripped %9d bytes   stripped %9d bytes (%.2f MiB)\n", l, u, s, s / 1048576 }'
}

cargo rustc -p fyr-ffi --profile mobile --lib --crate-type cdylib -- \
  -C link-arg=-B"$gcc_ld" "${link_args[@]}"
measure "$target/mobile/libfyr_ffi.so" strip x86_64
# For the benchmark's size budget line (fyr-bench directory).
stripped="$(mktemp)"; strip --strip-all -o "$stripped" "$target/mobile/libfyr_ffi.so"
stat -c %s "$stripped" > "$target/mobile/libfyr_ffi.stripped-bytes"; rm -f "$stripped"

if [ "${1:-}" = aarch64 ]; then
  CARGO_TARGET_AARCH64_UNKNOWN_LINUX_GNU_LINKER=aarch64-linux-gnu-gcc \
    cargo rustc -p fyr-ffi --profile mobile --target aarch64-unknown-linux-gnu --lib --crate-type cdylib -- \
    -C link-arg=-B"$gcc_ld" "${link_args[@]}"
  measure "$target/aarch64-unknown-linux-gnu/mobile/libfyr_ffi.so" aarch64-linux-gnu-strip aarch64
fi
