// Compile-check stand-in (android/stubs): documented signature of the real API; nothing here runs.
@file:Suppress("unused", "UNUSED_PARAMETER", "PackageDirectoryMismatch")

package androidx.compose.foundation.text

import org.fyr.stubs.stub

class KeyboardOptions {
    companion object {
        val Default: KeyboardOptions get() = stub()
    }
}

class KeyboardActions {
    companion object {
        val Default: KeyboardActions get() = stub()
    }
}
