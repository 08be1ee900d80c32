// A deliberate mistake (scripts/ci-android-compile.sh): ComponentActivity has
// no `onBackPressedDispatcherCompat` (an earlier stand-in invented it). The
// check must refuse this file.
// expect: Unresolved reference 'onBackPressedDispatcherCompat'
package org.fyr.mistakes

import androidx.activity.ComponentActivity

fun memberThatDoesNotExist(a: ComponentActivity) = a.onBackPressedDispatcherCompat()
