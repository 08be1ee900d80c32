// Compile-check stand-in (android/stubs): documented signature of the real API; nothing here runs.
@file:Suppress("unused", "UNUSED_PARAMETER", "PackageDirectoryMismatch")

package androidx.compose.foundation.gestures

interface FlingBehavior

object ScrollableDefaults {
    @androidx.compose.runtime.Composable
    fun flingBehavior(): FlingBehavior = org.fyr.stubs.stub()
}
