// Compile-check stand-in (android/stubs): documented signature of the real API; nothing here runs.
@file:Suppress("unused", "UNUSED_PARAMETER", "PackageDirectoryMismatch")

package androidx.compose.foundation

import androidx.compose.runtime.Composable
import androidx.compose.ui.Modifier
import org.fyr.stubs.stub

class ScrollState(initial: Int)

@Composable
fun rememberScrollState(initial: Int = 0): ScrollState = stub()

fun Modifier.verticalScroll(state: ScrollState, enabled: Boolean = true, flingBehavior: androidx.compose.foundation.gestures.FlingBehavior? = null, reverseScrolling: Boolean = false): Modifier = stub()

fun Modifier.clickable(enabled: Boolean = true, onClickLabel: String? = null, role: androidx.compose.ui.semantics.Role? = null, onClick: () -> Unit): Modifier = stub()

class BorderStroke(val width: androidx.compose.ui.unit.Dp, val brush: androidx.compose.ui.graphics.Brush)
