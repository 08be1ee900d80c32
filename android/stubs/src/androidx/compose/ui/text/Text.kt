// Compile-check stand-in (android/stubs): documented signature of the real API; nothing here runs.
@file:Suppress("unused", "UNUSED_PARAMETER", "PackageDirectoryMismatch")

package androidx.compose.ui.text

import org.fyr.stubs.stub

class TextStyle {
    companion object {
        val Default: TextStyle get() = stub()
    }
}

class TextLayoutResult private constructor()
