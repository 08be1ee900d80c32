// Compile-check stand-in (android/stubs): documented signature of the real API; nothing here runs.
@file:Suppress("unused", "UNUSED_PARAMETER", "PackageDirectoryMismatch")

package android.net

import org.fyr.stubs.stub

abstract class Uri {
    companion object {
        @JvmStatic fun parse(uriString: String): Uri = stub()
        /** Percent-encodes everything but letters, digits and "_-!.~'()*". */
        @JvmStatic fun encode(s: String): String = stub()
    }
}
