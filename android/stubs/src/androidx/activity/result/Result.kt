// Compile-check stand-in (android/stubs): documented signature of the real API; nothing here runs.
@file:Suppress("unused", "UNUSED_PARAMETER", "PackageDirectoryMismatch")

package androidx.activity.result

import org.fyr.stubs.stub

abstract class ActivityResultLauncher<I> {
    open fun launch(input: I): Unit = stub()
    abstract fun launch(input: I, options: androidx.core.app.ActivityOptionsCompat?)
    abstract fun unregister()
}

/** androidx.activity.result.ActivityResult (a Java class: getters seen as properties). */
open class ActivityResult(val resultCode: Int, val data: android.content.Intent?)
