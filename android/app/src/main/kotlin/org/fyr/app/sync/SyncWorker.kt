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
import org.fyr.app.FyrApplication
import org.fyr.core.FyrException
import org.fyr.core.SyncHandle
import org.fyr.core.SyncOptions
import java.util.concurrent.TimeUnit

/**
 * Runs the core's sync when the network is there. The core does the work
 * (pull the signed feed, push the outbox, remember hub/keys/token, compute the
 * next-attempt hint); this worker only starts it, cancels it when WorkManager
 * stops the work, and maps the outcome to success / retry.
 */
class SyncWorker(context: Context, params: WorkerParameters) : CoroutineWorker(context, params) {
    override suspend fun doWork(): Result {
        val core = (applicationContext as FyrApplication).core()
        val handle = SyncHandle()
        return try {
            // Empty options: the hub, trusted keys and token the core remembered.
            core.sync(SyncOptions(null, emptyList(), null), handle)
            Result.success()
        } catch (e: FyrException.Cancelled) {
            Result.retry()
        } catch (e: FyrException.Sync) {
            Result.retry() // WorkManager's exponential backoff; the core's hint shows on the Status screen
        } catch (e: CancellationException) {
            handle.cancel() // the work was stopped: stop the core's sync too
            throw e
        } catch (e: FyrException) {
            Result.failure() // not a network problem: retrying will not help
        } finally {
            handle.close()
        }
    }
}

object SyncScheduler {
    private const val PERIODIC = "fyr-sync-periodic"
    private const val NOW = "fyr-sync-now"

    private val connected = Constraints.Builder().setRequiredNetworkType(NetworkType.CONNECTED).build()

    /** A refresh every 6 hours while the app is installed, whenever there is a network. */
    fun schedulePeriodic(context: Context) {
        val request = PeriodicWorkRequestBuilder<SyncWorker>(6, TimeUnit.HOURS)
            .setConstraints(connected)
            .setBackoffCriteria(BackoffPolicy.EXPONENTIAL, 30, TimeUnit.SECONDS)
            .build()
        WorkManager.getInstance(context).enqueueUniquePeriodicWork(PERIODIC, ExistingPeriodicWorkPolicy.KEEP, request)
    }

    /** One sync as soon as there is coverage: on app open and on "Sync now". */
    fun syncSoon(context: Context) {
        val request = OneTimeWorkRequestBuilder<SyncWorker>()
            .setConstraints(connected)
            .setBackoffCriteria(BackoffPolicy.EXPONENTIAL, 30, TimeUnit.SECONDS)
            .build()
        WorkManager.getInstance(context).enqueueUniqueWork(NOW, ExistingWorkPolicy.KEEP, request)
    }
}
