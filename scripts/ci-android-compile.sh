#!/usr/bin/env bash
# Compile check of the Android app without the Android SDK: every Kotlin
# source of android/app is compiled with kotlinc against
#   - the uniffi-generated Kotlin bindings (the real interface of fyr-ffi),
#   - android/presentation (the JVM module the app uses),
#   - android/stubs: stand-ins for the android.* / androidx.* classes the app
#     calls, one folder, each following the real API's documented signature
#     (see android/stubs/README.md). No Compose compiler plugin: @Composable is
#     a plain annotation there, so the check is about names and types.
# A renamed or retyped binding, a wrong field or a call that no longer exists
# fails here. Nothing is run.
#
#   scripts/ci-android-compile.sh KOTLINC BINDINGS_DIR OUT_DIR CLASSPATH
#
# scripts/ci-kotlin.sh calls it (so it runs in scripts/test.sh) with the kotlinc
# it installed, the bindings it generated and the JNA + coroutines jars.
set -euo pipefail
kotlinc="${1:?usage: ci-android-compile.sh KOTLINC BINDINGS_DIR OUT_DIR CLASSPATH}"
gen="${2:?bindings dir}"
out="${3:?out dir}"
cp="${4:?classpath}"
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"

sources=(
  $(find "$gen" -name '*.kt')
  $(find android/presentation/src/main/kotlin -name '*.kt')
  $(find android/stubs/src -name '*.kt')
  $(find android/app/src/main/kotlin -name '*.kt')
)
app_count=$(find android/app/src/main/kotlin -name '*.kt' | wc -l)
echo "ci-android-compile: compiling $app_count app sources with bindings, presentation and android/stubs"
rm -rf "$out"
mkdir -p "$out"
if "$kotlinc" -nowarn -jvm-target 17 -cp "$cp" -d "$out" "${sources[@]}" 2>"$out.log"; then
  echo "ci-android-compile: android/app compiles against the bindings"
else
  grep -E '^(error|.*: error:)' "$out.log" | head -40 || true
  echo "ci-android-compile: FAILED: android/app does not compile against the bindings (full log: $out.log)"
  exit 1
fi
