package org.fyr.app.sync

import android.content.Context
import androidx.work.BackoffPolicy
import androidx.work.Constraints
import androidx.work.CoroutineWorker
import androidx.work.ExistingPeriodicWorkPolicy
import androidx.work.ExistingWorkPolicy
import androidx.work.NetworkType
import androidx.work.OneTimeWorkRequestBuilder
import androidx.work.PeriodicWorkRequestBuilder
import androidx.work.WorkManager
import androidx.work.WorkerParameters
import kotlinx.coroutines.CancellationException
import kotlinx.coroutines.sync.Mutex
import kotlinx.coroutines.sync.withLock
import org.fyr.app.FyrApplication
import org.fyr.app.security.StoreKey
import org.fyr.core.FyrException
import org.fyr.core.SyncHandle
import org.fyr.core.SyncOptions
import java.util.concurrent.TimeUnit

/**
 * Runs the core's sync when the network is there. The core does the work
 * (where to sync comes from the signed content, so no options; pull, push,
 * next-attempt hint, why the outbox did not go); this worker only passes the
 * enrollment token from the Keystore, cancels the core's sync when
 * WorkManager stops the work, and maps the outcome to success / retry.
 *
 * Periodic and one-off work never sync at once: they wait for each other on
 * [oneAtATime] in the app, and the core itself allows one sync per store.
 * No notification is ever posted (the work is not expedited).
 */
class SyncWorker(context: Context, params: WorkerParameters) : CoroutineWorker(context, params) {
    override suspend fun doWork(): Result = oneAtATime.withLock {
        val app = applicationContext as FyrApplication
        val handle = SyncHandle()
        try {
            val token = runCatching { StoreKey.deviceToken(app) }.getOrNull()
            app.core().sync(SyncOptions(null, emptyList(), token, org.fyr.core.types.SyncTrigger.SCHEDULED), handle)
            Result.success()
        } catch (e: FyrException.Cancelled) {
            Result.retry()
        } catch (e: FyrException.Sync) {
            Result.retry() // WorkManager's exponential backoff; the core's hint and reason show on the Status screen
        } catch (e: CancellationException) {
            handle.cancel() // the work was stopped: stop the core's sync too
            throw e
        } catch (e: FyrException) {
            Result.failure() // not a network problem: retrying will not help (the Status screen says what)
        } catch (e: Exception) {
            Result.failure() // e.g. the store could not be opened: shown on the Status screen
        } finally {
            handle.close()
        }
    }

    companion object {
        private val oneAtATime = Mutex()
    }
}

object SyncScheduler {
    private const val PERIODIC = "fyr-sync-periodic"
    const val NOW = "fyr-sync-now"

    private val connected = Constraints.Builder().setRequiredNetworkType(NetworkType.CONNECTED).build()

    /** A refresh every 6 hours while the app is installed, whenever there is a network. */
    fun schedulePeriodic(context: Context) {
        val request = PeriodicWorkRequestBuilder<SyncWorker>(6, TimeUnit.HOURS)
            .setConstraints(connected)
            .setBackoffCriteria(BackoffPolicy.EXPONENTIAL, 30, TimeUnit.SECONDS)
            .build()
        WorkManager.getInstance(context).enqueueUniquePeriodicWork(PERIODIC, ExistingPeriodicWorkPolicy.KEEP, request)
    }

    /**
     * One sync as soon as there is coverage: on app open and on "Sync now".
     * REPLACE: a retry still waiting out its backoff after a failure is
     * replaced by a fresh attempt now (KEEP would leave "Sync now" doing
     * nothing for up to hours).
     */
    fun syncSoon(context: Context) {
        val request = OneTimeWorkRequestBuilder<SyncWorker>()
            .setConstraints(connected)
            .setBackoffCriteria(BackoffPolicy.EXPONENTIAL, 30, TimeUnit.SECONDS)
            .build()
        WorkManager.getInstance(context).enqueueUniqueWork(NOW, ExistingWorkPolicy.REPLACE, request)
    }
}
