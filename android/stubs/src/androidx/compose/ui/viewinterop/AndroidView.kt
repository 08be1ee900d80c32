// Compile-check stand-in (android/stubs): documented signature of the real API; nothing here runs.
@file:Suppress("unused", "UNUSED_PARAMETER", "PackageDirectoryMismatch")

package androidx.compose.ui.viewinterop

import android.content.Context
import android.view.View
import androidx.compose.runtime.Composable
import androidx.compose.ui.Modifier
import org.fyr.stubs.stub

val NoOpUpdate: View.() -> Unit get() = stub()

/** compose-ui 1.7: the overload with onReset/onRelease. */
@Composable
fun <T : View> AndroidView(
    factory: (Context) -> T,
    modifier: Modifier = Modifier,
    onReset: ((T) -> Unit)? = null,
    onRelease: (T) -> Unit = NoOpUpdate,
    update: (T) -> Unit = NoOpUpdate,
): Unit = stub()
