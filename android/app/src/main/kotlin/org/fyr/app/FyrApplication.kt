package org.fyr.app

import android.app.Application
import android.os.Looper
import androidx.compose.runtime.mutableStateOf
import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.SupervisorJob
import org.fyr.app.security.ScreeningKeyFiles
import org.fyr.app.sync.SyncScheduler
import org.fyr.app.ui.ScreeningModel
import org.fyr.core.FyrCore
import org.fyr.core.appLanguageForLocale
import org.fyr.core.types.UiText
import org.fyr.core.uiText
import org.fyr.presentation.HttpsTransport
import org.fyr.presentation.KeyState
import org.fyr.presentation.KeyVault
import org.fyr.presentation.errorKind
import java.io.File
import java.security.SecureRandom

/**
 * Holds the one FyrCore of the process (thread-safe; shared by UI and worker)
 * and the screening in hand, so both survive navigation and rotation.
 *
 * - The store is opened and reopened off the main thread only ([core] checks).
 * - The screening key comes from [vault]: a key that cannot be read now is
 *   [KeyState.ReadFailed] (the directory opens without it, "Try again" reads
 *   again); a new key is made only after the user confirms.
 * - Drawing never touches the core: texts come from the core's table by
 *   language ([texts], no store handle), data from `callCore` on IO.
 */
class FyrApplication : Application() {
    @Volatile private var opened: FyrCore? = null

    /** The language the core was opened with: the Settings choice, else the phone's (by the core's mapping). */
    @Volatile var lang: String = "sv"
        private set

    /** The screening key as last read; ReadFailed is retryable, never a reason for a new key. */
    val keyState = mutableStateOf<KeyState?>(null)

    val vault by lazy { KeyVault(ScreeningKeyFiles(this)) { SecureRandom().nextBytes(it) } }

    /** Discreet mode (Settings): the whole app is kept out of screenshots and recents. */
    val discreet = mutableStateOf(false)

    /** A screening is saved on this phone (in progress, completed or set aside): the whole app is kept out of screenshots. */
    val screeningsExist = mutableStateOf(false)

    /** For work that outlives a screen (clearing a copied number). */
    val scope = CoroutineScope(SupervisorJob() + Dispatchers.Default)

    val screening = ScreeningModel()

    /** The core's user-facing strings, by language: no store handle, so safe while drawing and while the store reopens. */
    fun texts(): (UiText) -> String {
        val l = lang
        return { id -> runCatching { uiText(id, l) }.getOrDefault("") }
    }

    @Synchronized
    fun core(): FyrCore {
        check(Looper.myLooper() != Looper.getMainLooper()) { "the store is never opened on the main thread" }
        opened?.let { return it }
        val state = vault.load()
        keyState.value = state
        val key = (state as? KeyState.Ready)?.hex
        val systemLang = appLanguageForLocale(resources.configuration.locales[0].toLanguageTag())
        var core = FyrCore.open(dataDir(), key, systemLang)
        // The language chosen in Settings is kept by the core; open again in it.
        val chosen = runCatching { core.settings().lang }.getOrNull()
        if (chosen != null && chosen != systemLang) {
            core.close()
            core = FyrCore.open(dataDir(), key, chosen)
        }
        // Sync and enrollment go out through the platform's HTTPS (its TLS,
        // trust store, proxy and VPN); the core checks everything that comes back.
        core.setTransport(HttpsTransport())
        lang = chosen ?: systemLang
        discreet.value = discreetFile().exists()
        screeningsExist.value = runCatching { core.screenings().isNotEmpty() || core.status().unreadableScreenings > 0u }.getOrDefault(true)
        opened = core
        return core
    }

    /**
     * After the language changed, a key read is retried or a key replaced:
     * the next [core] opens again. Off the main thread; the old handle is
     * closed only here, and screens never hold it (they call [core] each time).
     */
    @Synchronized
    fun reopen(): FyrCore {
        check(Looper.myLooper() != Looper.getMainLooper()) { "the store is never reopened on the main thread" }
        val old = opened
        opened = null
        old?.close()
        return core()
    }

    /** After a screening was started, completed or discarded (off the main thread). */
    fun refreshScreeningsExist(core: FyrCore) {
        screeningsExist.value = runCatching { core.screenings().isNotEmpty() || core.status().unreadableScreenings > 0u }.getOrDefault(true)
    }

    /** Discreet mode on or off, kept in app-private storage (off the main thread). */
    fun setDiscreet(on: Boolean) {
        val f = discreetFile()
        if (on) f.writeText("on") else f.delete()
        discreet.value = on
    }

    /** The user's words for a failure (the core's table, in the app language); the technical text goes nowhere on screen. */
    fun errorMessage(t: Throwable): String =
        opened?.let { runCatching { it.errorText(errorKind(t)) }.getOrNull() } ?: texts()(UiText.SOMETHING_WENT_WRONG)

    private fun discreetFile() = File(noBackupFilesDir, "discreet-mode")
    private fun dataDir() = File(noBackupFilesDir, "fyr").absolutePath

    override fun onCreate() {
        super.onCreate()
        // The core decides whether a sync is due (scheduled calls before the
        // next check return NotYet at once): this only makes sure one is planned.
        SyncScheduler.ensurePlanned(this)
    }
}
