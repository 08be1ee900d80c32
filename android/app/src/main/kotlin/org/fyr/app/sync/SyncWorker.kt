package org.fyr.app.sync

import android.content.Context
import androidx.work.Constraints
import androidx.work.CoroutineWorker
import androidx.work.Data
import androidx.work.ExistingWorkPolicy
import androidx.work.NetworkType
import androidx.work.OneTimeWorkRequestBuilder
import androidx.work.WorkManager
import androidx.work.WorkerParameters
import kotlinx.coroutines.CancellationException
import org.fyr.app.FyrApplication
import org.fyr.app.security.StoreKey
import org.fyr.core.FyrException
import org.fyr.core.SyncHandle
import org.fyr.core.SyncOptions
import org.fyr.core.types.SyncTrigger
import java.time.Duration
import java.time.Instant
import java.util.concurrent.TimeUnit

/**
 * Runs the core's sync. The core holds the one sync policy: a SCHEDULED call
 * before the next check (the signed interval after a success, the backoff
 * honouring Retry-After after a failure) or while a sync runs returns
 * NotYet at once without network; a USER call ("Sync now") runs. This worker
 * passes the enrollment token from the Keystore, cancels the core's sync when
 * WorkManager stops the work, and then plans the next run at the core's
 * `nextCheck()`. It never retries on its own (WorkManager's backoff would
 * ignore the hub's timing). No notification is ever posted.
 */
class SyncWorker(context: Context, params: WorkerParameters) : CoroutineWorker(context, params) {
    override suspend fun doWork(): Result {
        val app = applicationContext as FyrApplication
        val user = inputData.getBoolean(USER, false)
        val handle = SyncHandle()
        try {
            val token = runCatching { StoreKey.deviceToken(app) }.getOrNull()
            val trigger = if (user) SyncTrigger.USER else SyncTrigger.SCHEDULED
            app.core().sync(SyncOptions(null, emptyList(), token, trigger), handle)
        } catch (e: CancellationException) {
            handle.cancel() // the work was stopped: stop the core's sync too
            throw e
        } catch (e: FyrException) {
            // NotYet: not due (or one runs); Sync: failed, the core keeps the
            // backoff and the Status screen says why. Either way: plan below.
        } catch (e: Throwable) {
            // e.g. the store could not be opened: the Status screen says what.
        } finally {
            handle.close()
        }
        SyncScheduler.planNext(app)
        return Result.success()
    }

    companion object {
        const val USER = "user"
    }
}

/** Schedules the core's sync policy; decides nothing itself. */
object SyncScheduler {
    /** The next scheduled run, at the core's next check. */
    const val NEXT = "fyr-sync-next"

    /** "Sync now" (the user asked). */
    const val NOW = "fyr-sync-now"

    private val connected = Constraints.Builder().setRequiredNetworkType(NetworkType.CONNECTED).build()

    /**
     * On process start: a run is planned unless one already is (KEEP: a start
     * never resets a planned time). The run asks the core, which answers
     * NotYet at once when the next check is not due.
     */
    fun ensurePlanned(context: Context) {
        val request = OneTimeWorkRequestBuilder<SyncWorker>().setConstraints(connected).build()
        WorkManager.getInstance(context).enqueueUniqueWork(NEXT, ExistingWorkPolicy.KEEP, request)
    }

    /**
     * After a run: the next one at the core's `nextCheck()` (off the main
     * thread). APPEND_OR_REPLACE: queued behind the run in progress, never
     * cancelling it.
     */
    fun planNext(app: FyrApplication) {
        val delay = runCatching { Duration.between(Instant.now(), Instant.parse(app.core().nextCheck())) }
            .getOrNull()?.coerceAtLeast(Duration.ZERO) ?: Duration.ofHours(1)
        val request = OneTimeWorkRequestBuilder<SyncWorker>()
            .setConstraints(connected)
            .setInitialDelay(delay.toMillis(), TimeUnit.MILLISECONDS)
            .build()
        WorkManager.getInstance(app).enqueueUniqueWork(NEXT, ExistingWorkPolicy.APPEND_OR_REPLACE, request)
    }

    /**
     * "Sync now": the user's explicit sync, as soon as there is coverage.
     * KEEP: a "Sync now" already queued or running is left alone (never cancelled by a second tap).
     */
    fun syncNow(context: Context) {
        val request = OneTimeWorkRequestBuilder<SyncWorker>()
            .setConstraints(connected)
            .setInputData(Data.Builder().putBoolean(SyncWorker.USER, true).build())
            .build()
        WorkManager.getInstance(context).enqueueUniqueWork(NOW, ExistingWorkPolicy.KEEP, request)
    }
}
