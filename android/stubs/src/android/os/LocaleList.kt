// Compile-check stand-in (android/stubs): documented signature of the real API; nothing here runs.
@file:Suppress("unused", "UNUSED_PARAMETER", "PackageDirectoryMismatch")

package android.os

import org.fyr.stubs.stub
import java.util.Locale

class LocaleList {
    operator fun get(index: Int): Locale = stub()
    fun size(): Int = stub()
}
