// Compile-check stand-in (android/stubs): documented signature of the real API; nothing here runs.
@file:Suppress("unused", "UNUSED_PARAMETER", "PackageDirectoryMismatch")

package androidx.activity.result.contract

import androidx.activity.result.ActivityResult

import android.content.Context
import android.content.Intent
import org.fyr.stubs.stub

abstract class ActivityResultContract<I, O> {
    abstract fun createIntent(context: Context, input: I): Intent
    abstract fun parseResult(resultCode: Int, intent: Intent?): O
}

class ActivityResultContracts private constructor() {
    class RequestPermission : ActivityResultContract<String, Boolean>() {
        override fun createIntent(context: Context, input: String): Intent = stub()
        override fun parseResult(resultCode: Int, intent: Intent?): Boolean = stub()
    }
    class RequestMultiplePermissions : ActivityResultContract<Array<String>, Map<String, Boolean>>() {
        override fun createIntent(context: Context, input: Array<String>): Intent = stub()
        override fun parseResult(resultCode: Int, intent: Intent?): Map<String, Boolean> = stub()
    }
    class StartActivityForResult : ActivityResultContract<Intent, ActivityResult>() {
        override fun createIntent(context: Context, input: Intent): Intent = stub()
        override fun parseResult(resultCode: Int, intent: Intent?): ActivityResult = stub()
    }
}

