// Compile-check stand-in (android/stubs): documented signature of the real API; nothing here runs.
@file:Suppress("unused", "UNUSED_PARAMETER", "PackageDirectoryMismatch")

package androidx.activity

import android.app.Activity
import org.fyr.stubs.stub

open class ComponentActivity : Activity()
