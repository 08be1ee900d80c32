// Compile-check stand-in (android/stubs): documented signature of the real API; nothing here runs.
@file:Suppress("unused", "UNUSED_PARAMETER", "PackageDirectoryMismatch")

package android.os

import org.fyr.stubs.stub

open class Bundle {
    fun getString(key: String?): String? = stub()
    fun putString(key: String?, value: String?): Unit = stub()
}

class Build {
    class VERSION {
        companion object {
            @JvmField val SDK_INT: Int = 0
        }
    }
    object VERSION_CODES {
        const val R: Int = 30
        const val TIRAMISU: Int = 33
    }
}

class CancellationSignal {
    fun cancel(): Unit = stub()
}
