#!/usr/bin/env bash
# Compile check of the Android app without the Android SDK: every Kotlin
# source of android/app is compiled with kotlinc 2.x at -language-version 2.1
# (the language the app's Kotlin Gradle plugin uses) WITH the Compose
# compiler plugin (compose-compiler-plugin.jar, shipped in the same npm
# kotlin-compiler package, loaded with -Xplugin=) against
#   - the uniffi-generated Kotlin bindings (the real interface of fyr-ffi),
#   - android/presentation (the JVM module the app uses),
#   - android/stubs: stand-ins for the android.* / androidx.* / CameraX /
#     ML Kit classes the app calls, each with the real API's signature for the
#     versions android/app/build.gradle.kts declares (see android/stubs/README.md).
# The plugin's checks run (a composable called from a non-composable lambda
# fails); its code generation is skipped (skipIrLoweringIfRuntimeNotFound:
# the stand-ins are not the Compose runtime, and nothing here ever runs).
#
# Then the check checks itself: android/stubs/mistakes/*.kt are deliberate
# mistakes (a wrong parameter name, a composable from a non-composable
# lambda, a null where the real API refuses it, a member that does not exist,
# a class from the wrong package). Each is compiled against the result and
# MUST fail with the error its `// expect:` line names; a mistake that
# compiles means the stand-ins are more permissive than the real API.
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

plugin="$(cd "$(dirname "$kotlinc")/.." && pwd)/lib/compose-compiler-plugin.jar"
[ -f "$plugin" ] || { echo "ci-android-compile: no Compose compiler plugin at $plugin"; exit 1; }
flags=(
  -language-version 2.1 -api-version 2.1 -jvm-target 17
  "-Xplugin=$plugin"
  -P plugin:androidx.compose.compiler.plugins.kotlin:skipIrLoweringIfRuntimeNotFound=true
)

sources=(
  $(find "$gen" -name '*.kt')
  $(find android/presentation/src/main/kotlin -name '*.kt')
  $(find android/stubs/src -name '*.kt')
  $(find android/app/src/main/kotlin -name '*.kt')
)
app_count=$(find android/app/src/main/kotlin -name '*.kt' | wc -l)
echo "ci-android-compile: compiling $app_count app sources (Kotlin language 2.1, Compose compiler plugin) with bindings, presentation and android/stubs"
rm -rf "$out"
mkdir -p "$out/classes"
if "$kotlinc" -nowarn "${flags[@]}" -cp "$cp" -d "$out/classes" "${sources[@]}" 2>"$out/app.log"; then
  echo "ci-android-compile: android/app compiles against the bindings"
else
  grep -E 'error:' "$out/app.log" | head -40 || true
  echo "ci-android-compile: FAILED: android/app does not compile against the bindings (full log: $out/app.log)"
  exit 1
fi

# --- the check must refuse deliberate mistakes ----------------------------------
mistakes=(android/stubs/mistakes/*.kt)
echo "ci-android-compile: ${#mistakes[@]} deliberate mistakes must fail"
"$kotlinc" -nowarn "${flags[@]}" -cp "$cp:$out/classes" -d "$out/mistakes" "${mistakes[@]}" >"$out/mistakes.log" 2>&1 || true
bad=0
for m in "${mistakes[@]}"; do
  name="$(basename "$m")"
  expect="$(sed -n 's#^// expect: ##p' "$m" | head -1)"
  [ -n "$expect" ] || { echo "ci-android-compile: $name has no '// expect:' line"; bad=1; continue; }
  if grep -F "$name:" "$out/mistakes.log" | grep -F "error:" | grep -qiF -- "$expect"; then
    echo "ci-android-compile: refused as it must: $name ($expect)"
  else
    echo "ci-android-compile: FAILED: $name was not refused with '$expect'; the stand-ins accept what the real API refuses"
    grep -F "$name:" "$out/mistakes.log" | head -5 || true
    bad=1
  fi
done
[ "$bad" = 0 ] || { echo "ci-android-compile: FAILED (full log: $out/mistakes.log)"; exit 1; }
echo "ci-android-compile: every deliberate mistake fails the check"
