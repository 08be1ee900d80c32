// Compile-check stand-in (android/stubs): documented signature of the real API; nothing here runs.
@file:Suppress("unused", "UNUSED_PARAMETER", "PackageDirectoryMismatch")

package androidx.work

import android.content.Context
import kotlinx.coroutines.flow.Flow
import org.fyr.stubs.stub
import java.util.UUID
import java.util.concurrent.TimeUnit
import kotlin.reflect.KClass

enum class BackoffPolicy { EXPONENTIAL, LINEAR }
enum class NetworkType { NOT_REQUIRED, CONNECTED, UNMETERED, NOT_ROAMING, METERED, TEMPORARILY_UNMETERED }
enum class ExistingWorkPolicy { REPLACE, KEEP, APPEND, APPEND_OR_REPLACE }
enum class ExistingPeriodicWorkPolicy { @Deprecated("use UPDATE or CANCEL_AND_REENQUEUE") REPLACE, KEEP, UPDATE, CANCEL_AND_REENQUEUE }
enum class OutOfQuotaPolicy { RUN_AS_NON_EXPEDITED_WORK_REQUEST, DROP_WORK_REQUEST }

class Constraints {
    class Builder {
        fun setRequiredNetworkType(networkType: NetworkType): Builder = stub()
        fun build(): Constraints = stub()
    }
}

class WorkerParameters

/** androidx.work.Data: typed key-value input of a work request. */
class Data {
    fun getBoolean(key: String, defaultValue: Boolean): Boolean = stub()
    class Builder {
        fun putBoolean(key: String, value: Boolean): Builder = stub()
        fun build(): Data = stub()
    }
}

/** A Kotlin class since work-runtime 2.9: `state` is a property (there is no getState() for Kotlin). */
class WorkInfo(val id: UUID, val state: State, val tags: Set<String>) {
    val runAttemptCount: Int get() = stub()
    enum class State {
        ENQUEUED, RUNNING, SUCCEEDED, FAILED, BLOCKED, CANCELLED;
        val isFinished: Boolean get() = stub()
    }
}

abstract class ListenableWorker(appContext: Context, workerParams: WorkerParameters) {
    val applicationContext: Context get() = stub()
    val runAttemptCount: Int get() = stub()
    /** getInputData(): the request's input (setInputData). */
    val inputData: Data get() = stub()
    abstract class Result {
        companion object {
            @JvmStatic fun success(): Result = stub()
            @JvmStatic fun retry(): Result = stub()
            @JvmStatic fun failure(): Result = stub()
        }
    }
}

abstract class CoroutineWorker(appContext: Context, params: WorkerParameters) : ListenableWorker(appContext, params) {
    abstract suspend fun doWork(): Result
}

abstract class WorkRequest {
    val id: UUID get() = stub()
    abstract class Builder<B : Builder<B, *>, W : WorkRequest> {
        fun setConstraints(constraints: Constraints): B = stub()
        fun setBackoffCriteria(backoffPolicy: BackoffPolicy, backoffDelay: Long, timeUnit: TimeUnit): B = stub()
        fun addTag(tag: String): B = stub()
        fun setInputData(inputData: Data): B = stub()
        fun setInitialDelay(duration: Long, timeUnit: TimeUnit): B = stub()
        fun build(): W = stub()
    }
}

class OneTimeWorkRequest : WorkRequest() {
    class Builder(workerClass: KClass<out ListenableWorker>) : WorkRequest.Builder<Builder, OneTimeWorkRequest>() {
        fun setExpedited(policy: OutOfQuotaPolicy): Builder = stub()
    }
}

class PeriodicWorkRequest : WorkRequest() {
    class Builder(workerClass: KClass<out ListenableWorker>, repeatInterval: Long, repeatIntervalTimeUnit: TimeUnit) :
        WorkRequest.Builder<Builder, PeriodicWorkRequest>()
}

inline fun <reified W : ListenableWorker> OneTimeWorkRequestBuilder(): OneTimeWorkRequest.Builder = OneTimeWorkRequest.Builder(W::class)
inline fun <reified W : ListenableWorker> PeriodicWorkRequestBuilder(repeatInterval: Long, repeatIntervalTimeUnit: TimeUnit): PeriodicWorkRequest.Builder =
    PeriodicWorkRequest.Builder(W::class, repeatInterval, repeatIntervalTimeUnit)

interface Operation

abstract class WorkManager {
    abstract fun enqueueUniqueWork(uniqueWorkName: String, existingWorkPolicy: ExistingWorkPolicy, request: OneTimeWorkRequest): Operation
    abstract fun enqueueUniquePeriodicWork(uniqueWorkName: String, existingPeriodicWorkPolicy: ExistingPeriodicWorkPolicy, request: PeriodicWorkRequest): Operation
    abstract fun getWorkInfosForUniqueWorkFlow(uniqueWorkName: String): Flow<List<WorkInfo>>
    abstract fun cancelUniqueWork(uniqueWorkName: String): Operation
    companion object {
        @JvmStatic fun getInstance(context: Context): WorkManager = stub()
    }
}
