#!/usr/bin/env bash
# The Kotlin JVM tests, as CI runs them:
#   1. installs what is missing: kotlinc 2.4.20 (npm package kotlin-compiler,
#      which also ships kotlin-test and kotlinx-coroutines-core-jvm) and JNA
#      (Debian's libjna-java); Java 17 must be there (openjdk-17-jdk-headless);
#   2. reuses the dev-profile (unstripped) libfyr_ffi.so and `fyr` binary that
#      `cargo build --workspace` left in the target dir, building them only if
#      they are missing;
#   3. generates the Kotlin bindings with the workspace's uniffi-bindgen;
#   4. compiles bindings + android/presentation + tests with kotlinc;
#   5. runs them with JNA against the real library;
#   6. compiles every source of android/app against the same bindings,
#      :presentation and the android.*/androidx.* stand-ins in android/stubs
#      (scripts/ci-android-compile.sh): a renamed binding fails here.
# Ends with `kotlin: N passed, M failed`; exits non-zero if M > 0 or N == 0.
#
# Environment: CARGO_TARGET_DIR (default ./target), FYR_KOTLIN_HOME (where
# kotlin-compiler is or goes, default /opt/fyr-kotlin), KOTLIN_TEST_FILTER
# (run only tests whose "suite :: name" contains it).
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
target="${CARGO_TARGET_DIR:-$root/target}"
kotlin_home="${FYR_KOTLIN_HOME:-/opt/fyr-kotlin}"
kotlin_version=2.4.20
work="$target/kotlin-tests"

say() { echo "ci-kotlin: $*"; }
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

# --- tools -----------------------------------------------------------------
if ! command -v java >/dev/null 2>&1; then
  say "installing Java 17"
  as_root apt-get update -qq && as_root apt-get install -y -qq openjdk-17-jdk-headless >/dev/null
fi
kc="$kotlin_home/node_modules/kotlin-compiler"
if [ ! -x "$kc/bin/kotlinc" ] || ! grep -q "\"version\": \"$kotlin_version\"" "$kc/package.json" 2>/dev/null; then
  if ! command -v npm >/dev/null 2>&1; then
    say "installing npm"
    as_root apt-get update -qq && as_root apt-get install -y -qq npm >/dev/null
  fi
  say "installing kotlin-compiler@$kotlin_version from npm into $kotlin_home"
  mkdir -p "$kotlin_home"
  npm install --prefix "$kotlin_home" --no-audit --no-fund --silent "kotlin-compiler@$kotlin_version" >/dev/null
  chmod +x "$kc"/bin/* || true
fi
jna=/usr/share/java/jna.jar
if [ ! -f "$jna" ]; then
  say "installing JNA (libjna-java)"
  as_root apt-get update -qq && as_root apt-get install -y -qq libjna-java >/dev/null
fi
coroutines="$kc/lib/kotlinx-coroutines-core-jvm.jar"
stdlib="$kc/lib/kotlin-stdlib.jar"
for f in "$coroutines" "$stdlib" "$jna"; do [ -f "$f" ] || { say "missing $f"; exit 1; }; done

# --- the library and the fyr binary (dev profile, unstripped) ---------------
lib="$target/debug/libfyr_ffi.so"
fyr="$target/debug/fyr"
if [ ! -f "$lib" ] || [ ! -x "$fyr" ]; then
  say "building fyr-ffi and fyr (dev profile)"
  cargo build -p fyr-ffi -p fyr-cli
fi

# --- bindings ----------------------------------------------------------------
rm -rf "$work"
mkdir -p "$work/gen" "$work/scratch"
scripts/gen-bindings.sh kotlin "$work/gen" "$lib"

# --- compile -------------------------------------------------------------------
sources=(
  $(find "$work/gen" -name '*.kt')
  $(find android/presentation/src/main/kotlin android/presentation/src/test/kotlin -name '*.kt')
  $(find tests/kotlin -name '*.kt')
)
say "compiling ${#sources[@]} Kotlin files"
"$kc/bin/kotlinc" -nowarn -jvm-target 17 -cp "$jna:$coroutines" -d "$work/tests.jar" "${sources[@]}"

# --- the Android app compiles against these bindings -------------------------------
scripts/ci-android-compile.sh "$kc/bin/kotlinc" "$work/gen" "$work/android-app" "$jna:$coroutines"

# --- run -------------------------------------------------------------------------
set +e
java -Djna.library.path="$(dirname "$lib")" \
  -Dfyr.repo="$root" -Dfyr.bin="$fyr" -Dfyr.scratch="$work/scratch" \
  -cp "$work/tests.jar:$jna:$coroutines:$stdlib" org.fyr.tests.MainKt ${KOTLIN_TEST_FILTER:+"$KOTLIN_TEST_FILTER"}
rc=$?
set -e
exit $rc
