// A deliberate mistake (scripts/ci-android-compile.sh): ContextCompat.
// getMainExecutor takes a @NonNull Context, so Kotlin refuses null. The check
// must refuse this file.
// expect: Null cannot be a value of a non-null type
package org.fyr.mistakes

import androidx.core.content.ContextCompat

fun nullWhereRefused() = ContextCompat.getMainExecutor(null)
