package org.fyr.app

import android.app.Application
import org.fyr.app.security.StoreKey
import org.fyr.app.sync.SyncScheduler
import org.fyr.core.FyrCore
import java.io.File

/** Holds the one FyrCore of the process (thread-safe; shared by UI and worker). */
class FyrApplication : Application() {
    @Volatile private var opened: FyrCore? = null

    @Synchronized
    fun core(): FyrCore = opened ?: FyrCore.open(
        File(noBackupFilesDir, "fyr").absolutePath,
        StoreKey.hex(this),
        if (resources.configuration.locales[0].language == "sv") "sv" else "en",
    ).also { opened = it }

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
