#!/usr/bin/env bash
# Builds FyrFFI.xcframework (device + simulator) from fyr-ffi with the
# size-optimised `mobile` profile, generates the Swift bindings with the
# workspace's uniffi-bindgen, and lays both out in the Swift package
# ios/FyrKit (binary target FyrFFI + Swift target FyrKit).
#
# Needs macOS with Xcode 15+ and Rust ≥ 1.85:
#   rustup target add aarch64-apple-ios aarch64-apple-ios-sim x86_64-apple-ios
#   ios/build-xcframework.sh
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/.." && pwd)"
target="${CARGO_TARGET_DIR:-$root/target}"
pkg="$here/FyrKit"
work="$target/ios-xcframework"
profile=mobile
export IPHONEOS_DEPLOYMENT_TARGET=17.0
# The phones' C build flags (bindings/mobile-build.env, as
# scripts/mobile-size.sh), exported unless already set.
. "$root/bindings/mobile-build-env.sh"

cd "$root"
for t in aarch64-apple-ios aarch64-apple-ios-sim x86_64-apple-ios; do
  echo "== cargo rustc -p fyr-ffi --profile $profile --target $t --crate-type staticlib"
  cargo rustc -p fyr-ffi --profile "$profile" --target "$t" --lib --crate-type staticlib
done

rm -rf "$work" && mkdir -p "$work/headers" "$work/sim" "$work/swift"

# Swift bindings + C header + modulemap, read from the (unstripped) device library.
scripts/gen-bindings.sh swift "$work/swift" "$target/aarch64-apple-ios/$profile/libfyr_ffi.a"
# Two uniffi components: fyr_ffi and the core types it passes on (fyr_core);
# one header each, their module maps in one module.modulemap.
cp "$work"/swift/*FFI.h "$work/headers/"
cat "$work"/swift/*FFI.modulemap > "$work/headers/module.modulemap"

# One fat simulator library (arm64 + x86_64).
lipo -create \
  "$target/aarch64-apple-ios-sim/$profile/libfyr_ffi.a" \
  "$target/x86_64-apple-ios/$profile/libfyr_ffi.a" \
  -output "$work/sim/libfyr_ffi.a"

# Strip local symbols from the static archives (keeps the exported C ABI).
cp "$target/aarch64-apple-ios/$profile/libfyr_ffi.a" "$work/libfyr_ffi-ios.a"
strip -S -x "$work/libfyr_ffi-ios.a" "$work/sim/libfyr_ffi.a" 2>/dev/null || true

rm -rf "$pkg/FyrFFI.xcframework"
xcodebuild -create-xcframework \
  -library "$work/libfyr_ffi-ios.a" -headers "$work/headers" \
  -library "$work/sim/libfyr_ffi.a" -headers "$work/headers" \
  -output "$pkg/FyrFFI.xcframework"

cp "$work"/swift/*.swift "$pkg/Sources/FyrKit/"
echo "== done: $pkg/FyrFFI.xcframework and $pkg/Sources/FyrKit/{fyr_ffi,fyr_core}.swift"
ls -l "$work/libfyr_ffi-ios.a" "$work/sim/libfyr_ffi.a"
