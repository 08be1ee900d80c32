// Compile-check stand-in (android/stubs): documented signature of the real API; nothing here runs.
@file:Suppress("unused", "UNUSED_PARAMETER", "PackageDirectoryMismatch")

package androidx.compose.foundation.text.selection

import androidx.compose.runtime.Composable
import androidx.compose.ui.Modifier
import org.fyr.stubs.stub

@Composable
fun SelectionContainer(modifier: Modifier = Modifier, content: @Composable () -> Unit): Unit = stub()
