#!/usr/bin/env bash
# Generates the Kotlin and/or Swift bindings of fyr-ffi with the workspace's
# own uniffi-bindgen (uniffi 0.32, library mode).
#
#   scripts/gen-bindings.sh kotlin OUT_DIR [LIBRARY]
#   scripts/gen-bindings.sh swift  OUT_DIR [LIBRARY]
#
# LIBRARY is an UNSTRIPPED build of fyr-ffi (cdylib .so/.dylib or staticlib .a);
# uniffi reads the interface from its metadata symbols. Default:
# $CARGO_TARGET_DIR/debug/libfyr_ffi.so (or .dylib on macOS), which
# `cargo build -p fyr-ffi` (or `cargo build --workspace`) produces.
#
# Kotlin lands in OUT_DIR/org/fyr/core/fyr_ffi.kt (package org.fyr.core) and, for
# the core types fyr-ffi passes on unchanged (fyr-core feature `uniffi`),
# OUT_DIR/org/fyr/core/types/fyr_core.kt (package org.fyr.core.types);
# Swift in OUT_DIR/fyr_ffi.swift, fyr_ffiFFI.h, fyr_ffiFFI.modulemap and the same
# three for fyr_core (one Swift module holds both).
# The bindgen binary is built in its own cargo command (feature `bindgen`).
set -euo pipefail

lang="${1:?usage: gen-bindings.sh kotlin|swift OUT_DIR [LIBRARY]}"
out="${2:?usage: gen-bindings.sh kotlin|swift OUT_DIR [LIBRARY]}"
root="$(cd "$(dirname "$0")/.." && pwd)"
target="${CARGO_TARGET_DIR:-$root/target}"
case "$(uname -s)" in Darwin) ext=dylib ;; *) ext=so ;; esac
lib="${3:-$target/debug/libfyr_ffi.$ext}"

case "$lang" in kotlin|swift) ;; *) echo "gen-bindings: unknown language '$lang' (kotlin or swift)" >&2; exit 2 ;; esac
if [ ! -f "$lib" ]; then
  echo "gen-bindings: no library at $lib: run 'cargo build -p fyr-ffi' first" >&2
  exit 2
fi

cd "$root"
cargo build --quiet -p fyr-ffi --features bindgen --bin uniffi-bindgen
mkdir -p "$out"
"$target/debug/uniffi-bindgen" generate "$lib" --language "$lang" --out-dir "$out" --no-format
echo "gen-bindings: $lang bindings from $lib in $out"
