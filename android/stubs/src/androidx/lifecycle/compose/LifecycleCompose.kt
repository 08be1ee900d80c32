// Compile-check stand-in (android/stubs): documented signature of the real API; nothing here runs.
@file:Suppress("unused", "UNUSED_PARAMETER", "PackageDirectoryMismatch")

package androidx.lifecycle.compose

import androidx.compose.runtime.Composable
import androidx.compose.runtime.State
import kotlinx.coroutines.flow.Flow
import kotlinx.coroutines.flow.StateFlow
import org.fyr.stubs.stub

@Composable
fun <T> Flow<T>.collectAsStateWithLifecycle(
    initialValue: T,
    lifecycleOwner: androidx.lifecycle.LifecycleOwner = LocalLifecycleOwner.current,
    minActiveState: androidx.lifecycle.Lifecycle.State = androidx.lifecycle.Lifecycle.State.STARTED,
    context: kotlin.coroutines.CoroutineContext = kotlin.coroutines.EmptyCoroutineContext,
): State<T> = stub()
@Composable
fun <T> StateFlow<T>.collectAsStateWithLifecycle(
    lifecycleOwner: androidx.lifecycle.LifecycleOwner = LocalLifecycleOwner.current,
    minActiveState: androidx.lifecycle.Lifecycle.State = androidx.lifecycle.Lifecycle.State.STARTED,
    context: kotlin.coroutines.CoroutineContext = kotlin.coroutines.EmptyCoroutineContext,
): State<T> = stub()

/** lifecycle-runtime-compose 2.8: the LifecycleOwner of the composition. */
val LocalLifecycleOwner: androidx.compose.runtime.ProvidableCompositionLocal<androidx.lifecycle.LifecycleOwner> get() = org.fyr.stubs.stub()
