// Compile-check stand-in (android/stubs): documented signature of the real API; nothing here runs.
@file:Suppress("unused", "UNUSED_PARAMETER", "PackageDirectoryMismatch")

package androidx.compose.ui

import org.fyr.stubs.stub

@Suppress("ModifierFactoryExtensionFunction")
interface Modifier {
    infix fun then(other: Modifier): Modifier = stub()
    companion object : Modifier
}

interface Alignment {
    interface Horizontal
    interface Vertical
    companion object {
        val Top: Vertical get() = stub()
        val CenterVertically: Vertical get() = stub()
        val Bottom: Vertical get() = stub()
        val Start: Horizontal get() = stub()
        val CenterHorizontally: Horizontal get() = stub()
        val End: Horizontal get() = stub()
        val Center: Alignment get() = stub()
        val TopStart: Alignment get() = stub()
    }
}
