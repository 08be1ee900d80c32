package org.fyr.app.ui

import android.content.ClipData
import android.content.ClipDescription
import android.content.ClipboardManager
import android.content.Context
import android.os.Build
import android.os.PersistableBundle
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.delay
import kotlinx.coroutines.launch
import org.fyr.app.FyrApplication

/** How long a copied number stays in the clipboard. */
private const val CLIP_LIFETIME_MS = 60_000L

/**
 * Copies a number for pasting elsewhere, discreetly:
 * - the clip's label is neutral (never the service's name),
 * - it is marked sensitive (`ClipDescription.EXTRA_IS_SENSITIVE`, API 33+:
 *   no preview in the clipboard overlay, kept out of clipboard history),
 * - it is cleared after a minute if it is still ours (API 28+ `clearPrimaryClip`).
 * Android's clipboard never leaves the device by itself (no cross-device sync).
 */
fun copySensitive(app: FyrApplication, context: Context, text: String) {
    val cm = context.getSystemService(Context.CLIPBOARD_SERVICE) as ClipboardManager
    val clip = ClipData.newPlainText("", text)
    if (Build.VERSION.SDK_INT >= Build.VERSION_CODES.TIRAMISU) {
        clip.description.extras = PersistableBundle().apply { putBoolean(ClipDescription.EXTRA_IS_SENSITIVE, true) }
    } else {
        clip.description.extras = PersistableBundle().apply { putBoolean("android.content.extra.IS_SENSITIVE", true) }
    }
    cm.setPrimaryClip(clip)
    app.scope.launch {
        delay(CLIP_LIFETIME_MS)
        launch(Dispatchers.Main) {
            val still = cm.primaryClip?.takeIf { it.itemCount == 1 }?.getItemAt(0)?.text?.toString() == text
            if (still && Build.VERSION.SDK_INT >= Build.VERSION_CODES.P) cm.clearPrimaryClip()
        }
    }
}
