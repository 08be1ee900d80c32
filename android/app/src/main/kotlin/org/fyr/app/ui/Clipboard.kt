package org.fyr.app.ui

import android.content.ClipData
import android.content.ClipboardManager
import android.content.Context
import android.os.Build
import android.os.PersistableBundle
import android.os.SystemClock
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.delay
import kotlinx.coroutines.launch
import org.fyr.app.FyrApplication

/** How long a copied number stays in the clipboard. */
private const val CLIP_LIFETIME_MS = 60_000L

/**
 * The documented key that marks a clip sensitive. It is the value of
 * `ClipDescription.EXTRA_IS_SENSITIVE` (API 33); Android's copy-and-paste
 * guide gives the string itself for apps and devices below API 33, and the
 * same extra is read on every level (keyboards' clipboard suggestions and
 * clipboard managers honour it; Android 13+ also hides the preview).
 */
private const val IS_SENSITIVE = "android.content.extra.IS_SENSITIVE"

/** The number we copied last and when it expires (elapsed realtime), until it is cleared. */
private object OurClip {
    var text: String? = null
    var expiresAt: Long = 0L
}

/**
 * Copies a number for pasting elsewhere, discreetly:
 * - the clip's label is neutral (never the service's name),
 * - it is marked sensitive with [IS_SENSITIVE] on every API level,
 * - after a minute it is cleared if it is still ours: by the timer while Fyr
 *   is in front; otherwise (Android 10+ lets only the app in focus read the
 *   clipboard) as soon as Fyr is back in focus ([clearExpiredClip] from
 *   `MainActivity.onWindowFocusChanged`).
 * Android's clipboard never leaves the device by itself (no cross-device sync).
 */
fun copySensitive(app: FyrApplication, context: Context, text: String) {
    val cm = context.getSystemService(Context.CLIPBOARD_SERVICE) as ClipboardManager
    val clip = ClipData.newPlainText("", text)
    clip.description.setExtras(PersistableBundle().apply { putBoolean(IS_SENSITIVE, true) })
    cm.setPrimaryClip(clip)
    OurClip.text = text
    OurClip.expiresAt = SystemClock.elapsedRealtime() + CLIP_LIFETIME_MS
    app.scope.launch {
        delay(CLIP_LIFETIME_MS)
        launch(Dispatchers.Main) { clearExpiredClip(context) }
    }
}

/**
 * Clears the clipboard when it still holds the number we copied and its time
 * is up. Something the user copied since is left alone; when the clipboard
 * cannot be read now (Fyr not in focus) the number stays due and is cleared
 * at the next call. Call on the main thread.
 */
fun clearExpiredClip(context: Context) {
    val ours = OurClip.text ?: return
    if (SystemClock.elapsedRealtime() < OurClip.expiresAt) return
    val cm = context.getSystemService(Context.CLIPBOARD_SERVICE) as ClipboardManager
    val current = cm.primaryClip ?: return // not readable now (or already empty): try again later
    val stillOurs = current.itemCount == 1 && current.getItemAt(0).text?.toString() == ours
    if (stillOurs) {
        if (Build.VERSION.SDK_INT >= Build.VERSION_CODES.P) cm.clearPrimaryClip()
        else cm.setPrimaryClip(ClipData.newPlainText("", ""))
    }
    OurClip.text = null
}
