// Compile-check stand-in (android/stubs): documented signature of the real API; nothing here runs.
@file:Suppress("unused", "UNUSED_PARAMETER", "PackageDirectoryMismatch")

package androidx.compose.ui.text.style

import org.fyr.stubs.stub

@JvmInline
value class TextAlign(val value: Int) {
    companion object {
        val Start: TextAlign get() = stub()
        val Center: TextAlign get() = stub()
    }
}

class TextDecoration private constructor(val mask: Int)

@JvmInline
value class TextOverflow private constructor(private val value: Int) {
    companion object {
        val Clip: TextOverflow get() = stub()
        val Ellipsis: TextOverflow get() = stub()
        val Visible: TextOverflow get() = stub()
    }
}
