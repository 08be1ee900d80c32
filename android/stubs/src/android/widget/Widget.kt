// Compile-check stand-in (android/stubs): documented signature of the real API; nothing here runs.
@file:Suppress("unused", "UNUSED_PARAMETER", "PackageDirectoryMismatch")

package android.widget

import android.content.Context
import android.view.View

open class FrameLayout(context: Context) : View(context)
