// Compile-check stand-in (android/stubs): documented signature of the real API; nothing here runs.
@file:Suppress("unused", "UNUSED_PARAMETER", "PackageDirectoryMismatch")

package androidx.compose.ui.text.font

import org.fyr.stubs.stub

class FontWeight(val weight: Int) {
    companion object {
        val Bold: FontWeight get() = stub()
        val Normal: FontWeight get() = stub()
    }
}

@JvmInline
value class FontStyle(val value: Int)

abstract class FontFamily
