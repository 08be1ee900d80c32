// Compile-check stand-in (android/stubs): documented signature of the real API; nothing here runs.
@file:Suppress("unused", "UNUSED_PARAMETER", "PackageDirectoryMismatch")

package android.content

import android.os.PersistableBundle

import android.content.res.Resources
import android.net.Uri
import org.fyr.stubs.stub
import java.io.File

abstract class Context {
    abstract fun getSystemService(name: String): Any?
    // Java getters, seen from Kotlin as properties.
    abstract val noBackupFilesDir: File
    abstract val filesDir: File
    abstract val resources: Resources
    abstract val applicationContext: Context
    abstract val packageName: String
    abstract fun startActivity(intent: Intent)
    companion object {
        const val CLIPBOARD_SERVICE: String = "clipboard"
        const val LOCATION_SERVICE: String = "location"
    }
}

open class ContextWrapper(base: Context?) : Context() {
    override fun getSystemService(name: String): Any? = stub()
    override val noBackupFilesDir: File get() = stub()
    override val filesDir: File get() = stub()
    override val resources: Resources get() = stub()
    override val applicationContext: Context get() = stub()
    override val packageName: String get() = stub()
    override fun startActivity(intent: Intent): Unit = stub()
}

open class Intent {
    constructor(action: String?)
    constructor(action: String?, uri: Uri?)
    fun addFlags(flags: Int): Intent = stub()
    fun putExtra(name: String, value: String?): Intent = stub()
    fun getStringExtra(name: String): String? = stub()
    companion object {
        const val ACTION_DIAL: String = "android.intent.action.DIAL"
        const val ACTION_SENDTO: String = "android.intent.action.SENDTO"
        const val ACTION_VIEW: String = "android.intent.action.VIEW"
        const val FLAG_ACTIVITY_NEW_TASK: Int = 0x10000000
    }
}

open class ActivityNotFoundException(name: String?) : RuntimeException(name) {
    constructor() : this(null)
}

/** android.content.ClipDescription. */
class ClipDescription {
    /** `@Nullable PersistableBundle getExtras()` (API 24), seen from Kotlin as a property. */
    val extras: PersistableBundle? get() = stub()
    /** `void setExtras(@NonNull PersistableBundle extras)` (API 24): null is refused. */
    fun setExtras(extras: PersistableBundle): Unit = stub()
    companion object {
        /** API 33: the clip is sensitive (no preview, kept out of history). */
        const val EXTRA_IS_SENSITIVE: String = "android.content.extra.IS_SENSITIVE"
    }
}

class ClipData {
    val description: ClipDescription get() = stub()
    val itemCount: Int get() = stub()
    fun getItemAt(index: Int): Item = stub()
    class Item {
        val text: CharSequence? get() = stub()
    }
    companion object {
        @JvmStatic fun newPlainText(label: CharSequence?, text: CharSequence?): ClipData = stub()
    }
}

open class ClipboardManager {
    open fun setPrimaryClip(clip: ClipData): Unit = stub()
    /** getPrimaryClip(): null when there is none (or the app is not in focus). */
    open val primaryClip: ClipData? get() = stub()
    /** API 28. */
    open fun clearPrimaryClip(): Unit = stub()
}
