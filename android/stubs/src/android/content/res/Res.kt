// Compile-check stand-in (android/stubs): documented signature of the real API; nothing here runs.
@file:Suppress("unused", "UNUSED_PARAMETER", "PackageDirectoryMismatch")

package android.content.res

import android.os.LocaleList
import org.fyr.stubs.stub

open class Resources {
    open val configuration: Configuration get() = stub()
}

class Configuration {
    val locales: LocaleList get() = stub()
}
