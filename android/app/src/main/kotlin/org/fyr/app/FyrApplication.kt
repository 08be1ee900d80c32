package org.fyr.app

import android.app.Application
import org.fyr.app.security.StoreKey
import org.fyr.app.sync.SyncScheduler
import org.fyr.app.ui.ScreeningModel
import org.fyr.core.FyrCore
import org.fyr.core.types.UiText
import org.fyr.core.uiText
import java.io.File

/**
 * Holds the one FyrCore of the process (thread-safe; shared by UI and worker)
 * and the screening in hand, so both survive navigation and rotation.
 *
 * Opening never crashes the app: a Keystore or key-file error opens the
 * directory without the screening key (search keeps working) and is shown as
 * [keyProblem]; any other failure is thrown as a message the screens show.
 */
class FyrApplication : Application() {
    @Volatile private var opened: FyrCore? = null

    /** The language the core was opened with ("sv"/"en"): the Settings choice, else the phone's. */
    @Volatile var lang: String = "sv"
        private set

    /** Why screenings are unavailable (the Keystore entry is lost or unreadable), or null. */
    @Volatile var keyProblem: String? = null
        private set

    val screening = ScreeningModel()

    /**
     * The core's user-facing strings in the language the store was opened
     * with; before (or without) an open store, the same table by language.
     */
    fun texts(): (UiText) -> String {
        val core = opened
        val l = lang
        return { id -> core?.text(id) ?: runCatching { uiText(id, l) }.getOrDefault(id.name) }
    }

    @Synchronized
    fun core(): FyrCore {
        opened?.let { return it }
        val key = try {
            StoreKey.hex(this).also { keyProblem = null }
        } catch (e: Exception) {
            keyProblem = "${e.javaClass.simpleName}: ${e.message ?: ""}"
            null
        }
        val systemLang = if (resources.configuration.locales[0].language == "sv") "sv" else "en"
        var core = FyrCore.open(dataDir(), key, systemLang)
        // The language chosen in Settings is kept by the core; open again in it.
        val chosen = runCatching { core.settings().lang }.getOrNull()
        if (chosen != null && chosen != systemLang) {
            core.close()
            core = FyrCore.open(dataDir(), key, chosen)
        }
        lang = chosen ?: systemLang
        opened = core
        return core
    }

    /** After the language changed in Settings: reopen so every text the core makes is in it. */
    @Synchronized
    fun reopen() {
        opened?.close()
        opened = null
        core()
    }

    private fun dataDir() = File(noBackupFilesDir, "fyr").absolutePath

    override fun onCreate() {
        super.onCreate()
        SyncScheduler.schedulePeriodic(this)
        SyncScheduler.syncSoon(this)
    }

    override fun onTerminate() {
        opened?.close()
        super.onTerminate()
    }
}
