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
        const val P: Int = 28
        const val R: Int = 30
        const val TIRAMISU: Int = 33
    }
}

class CancellationSignal {
    fun cancel(): Unit = stub()
}

class Looper private constructor() {
    companion object {
        /** Null on a thread without a looper (a worker thread). */
        @JvmStatic fun myLooper(): Looper? = stub()
        @JvmStatic fun getMainLooper(): Looper = stub()
    }
}

/** android.os.PersistableBundle (API 21). */
class PersistableBundle {
    fun putBoolean(key: String?, value: Boolean): Unit = stub()
    fun getBoolean(key: String?): Boolean = stub()
}

object SystemClock {
    @JvmStatic fun elapsedRealtime(): Long = stub()
    @JvmStatic fun elapsedRealtimeNanos(): Long = stub()
}
