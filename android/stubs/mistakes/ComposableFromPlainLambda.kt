// A deliberate mistake (scripts/ci-android-compile.sh): Button's onClick is a
// plain lambda, so drawing a Text in it is not allowed (the Compose compiler
// plugin refuses it). The check must refuse this file.
// expect: @Composable invocations can only happen from the context of a @Composable function
package org.fyr.mistakes

import androidx.compose.material3.Button
import androidx.compose.material3.Text
import androidx.compose.runtime.Composable

@Composable
fun ComposableFromPlainLambda() {
    Button(onClick = { Text("Ringt") }) { Text("Ring") }
}
