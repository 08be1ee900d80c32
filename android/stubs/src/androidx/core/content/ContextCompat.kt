// Compile-check stand-in (android/stubs): documented signature of the real API; nothing here runs.
@file:Suppress("unused", "UNUSED_PARAMETER", "PackageDirectoryMismatch")

package androidx.core.content

import android.content.Context
import org.fyr.stubs.stub
import java.util.concurrent.Executor

class ContextCompat private constructor() {
    companion object {
        @JvmStatic fun checkSelfPermission(context: Context, permission: String): Int = stub()
        @JvmStatic fun getMainExecutor(context: Context): Executor = stub()
    }
}
