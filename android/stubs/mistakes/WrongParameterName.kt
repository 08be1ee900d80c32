// A deliberate mistake (scripts/ci-android-compile.sh): material3's Text has
// `color`, not `colour`. The check must refuse this file.
// expect: No parameter with name 'colour'
package org.fyr.mistakes

import androidx.compose.material3.Text
import androidx.compose.runtime.Composable
import androidx.compose.ui.graphics.Color

@Composable
fun WrongParameterName() {
    Text("Kvinnofridslinjen", colour = Color.Red)
}
