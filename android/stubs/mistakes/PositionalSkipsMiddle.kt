// A deliberate mistake (scripts/ci-android-compile.sh): material3 1.3's
// OutlinedButton takes `shape` fourth (then colors, elevation, border,
// contentPadding, interactionSource, content), so a lambda passed fourth by
// position is refused. A stand-in that skipped the middle parameters accepted
// it as `content`. The check must refuse this file.
// expect: Argument type mismatch
package org.fyr.mistakes

import androidx.compose.material3.OutlinedButton
import androidx.compose.material3.Text
import androidx.compose.runtime.Composable
import androidx.compose.ui.Modifier

@Composable
fun PositionalSkipsMiddle() {
    OutlinedButton({}, Modifier, true, { Text("Kopiera") })
}
