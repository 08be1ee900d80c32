// Compile-check stand-in (android/stubs): documented signature of the real API; nothing here runs.
@file:Suppress("unused", "UNUSED_PARAMETER", "PackageDirectoryMismatch")

package androidx.compose.runtime.saveable

import androidx.compose.runtime.Composable
import org.fyr.stubs.stub

interface Saver<Original, Saveable : Any>

@Composable
fun <T : Any> rememberSaveable(vararg inputs: Any?, saver: Saver<T, out Any> = autoSaver(), key: String? = null, init: () -> T): T = stub()
fun <T> autoSaver(): Saver<T & Any, Any> = stub()
