// Compile-check stand-in (android/stubs): documented signature of the real API; nothing here runs.
@file:Suppress("unused", "UNUSED_PARAMETER", "PackageDirectoryMismatch")

package android.view

import org.fyr.stubs.stub

abstract class Window {
    open fun addFlags(flags: Int): Unit = stub()
    open fun clearFlags(flags: Int): Unit = stub()
    open fun setFlags(flags: Int, mask: Int): Unit = stub()
}

interface WindowManager {
    open class LayoutParams {
        companion object {
            const val FLAG_SECURE: Int = 0x00002000
        }
    }
}

/** android.view.View (only the constructor the app's views need). */
open class View(context: android.content.Context)
