// Compile-check stand-in (android/stubs): documented signature of the real API; nothing here runs.
@file:Suppress("unused", "UNUSED_PARAMETER", "PackageDirectoryMismatch")

package android.app

import android.content.ContextWrapper
import android.os.Bundle
import android.view.Window
import org.fyr.stubs.stub

open class Application : ContextWrapper(null) {
    open fun onCreate(): Unit = stub()
    open fun onTerminate(): Unit = stub()
}

open class Activity : ContextWrapper(null) {
    open val window: Window get() = stub()
    protected open fun onCreate(savedInstanceState: Bundle?): Unit = stub()
    protected open fun onPause(): Unit = stub()
    protected open fun onResume(): Unit = stub()
    /** `public void onWindowFocusChanged(boolean hasFocus)`. */
    open fun onWindowFocusChanged(hasFocus: Boolean): Unit = stub()
    val application: Application get() = stub()
    open fun recreate(): Unit = stub()
}
