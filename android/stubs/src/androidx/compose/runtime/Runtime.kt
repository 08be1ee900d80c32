// Compile-check stand-in (android/stubs): documented signature of the real API; nothing here runs.
@file:Suppress("unused", "UNUSED_PARAMETER", "PackageDirectoryMismatch")

package androidx.compose.runtime

import kotlinx.coroutines.CoroutineScope
import org.fyr.stubs.stub
import kotlin.reflect.KProperty

/** Without the Compose compiler plugin this marks, as the real one documents, a composable function or lambda type. */
@MustBeDocumented
@Retention(AnnotationRetention.BINARY)
@Target(AnnotationTarget.FUNCTION, AnnotationTarget.TYPE, AnnotationTarget.TYPE_PARAMETER, AnnotationTarget.PROPERTY_GETTER)
annotation class Composable

@Retention(AnnotationRetention.BINARY)
@Target(AnnotationTarget.FUNCTION, AnnotationTarget.PROPERTY_GETTER)
annotation class ReadOnlyComposable

@Target(AnnotationTarget.FUNCTION, AnnotationTarget.TYPE)
annotation class DisallowComposableCalls

@Target(AnnotationTarget.CLASS)
annotation class Stable

@Target(AnnotationTarget.CLASS)
annotation class Immutable

interface State<out T> { val value: T }
interface MutableState<T> : State<T> { override var value: T }
interface SnapshotMutationPolicy<T>

fun <T> structuralEqualityPolicy(): SnapshotMutationPolicy<T> = stub()
fun <T> mutableStateOf(value: T, policy: SnapshotMutationPolicy<T> = structuralEqualityPolicy()): MutableState<T> = stub()
fun mutableIntStateOf(value: Int): MutableIntState = stub()
interface MutableIntState : MutableState<Int> { var intValue: Int }

@Suppress("NOTHING_TO_INLINE")
inline operator fun <T> State<T>.getValue(thisObj: Any?, property: KProperty<*>): T = value
@Suppress("NOTHING_TO_INLINE")
inline operator fun <T> MutableState<T>.setValue(thisObj: Any?, property: KProperty<*>, value: T) { this.value = value }

@Composable
inline fun <T> remember(crossinline calculation: @DisallowComposableCalls () -> T): T = stub()
@Composable
inline fun <T> remember(key1: Any?, crossinline calculation: @DisallowComposableCalls () -> T): T = stub()
@Composable
inline fun <T> remember(key1: Any?, key2: Any?, crossinline calculation: @DisallowComposableCalls () -> T): T = stub()
@Composable
inline fun <T> remember(vararg keys: Any?, crossinline calculation: @DisallowComposableCalls () -> T): T = stub()

@Composable
fun rememberCoroutineScope(getContext: @DisallowComposableCalls () -> kotlin.coroutines.CoroutineContext = { kotlin.coroutines.EmptyCoroutineContext }): CoroutineScope = stub()

@Composable
fun LaunchedEffect(key1: Any?, block: suspend CoroutineScope.() -> Unit): Unit = stub()
@Composable
fun LaunchedEffect(key1: Any?, key2: Any?, block: suspend CoroutineScope.() -> Unit): Unit = stub()
@Composable
fun LaunchedEffect(vararg keys: Any?, block: suspend CoroutineScope.() -> Unit): Unit = stub()

class DisposableEffectScope {
    inline fun onDispose(crossinline onDisposeEffect: () -> Unit): DisposableEffectResult = stub()
}
interface DisposableEffectResult
@Composable
fun DisposableEffect(key1: Any?, effect: DisposableEffectScope.() -> DisposableEffectResult): Unit = stub()

@Composable
fun <T> produceState(initialValue: T, key1: Any?, producer: suspend ProduceStateScope<T>.() -> Unit): State<T> = stub()
interface ProduceStateScope<T> : MutableState<T>, CoroutineScope

abstract class CompositionLocal<T> {
    @get:Composable @get:ReadOnlyComposable
    val current: T get() = stub()
}
abstract class ProvidableCompositionLocal<T> : CompositionLocal<T>() {
    infix fun provides(value: T): ProvidedValue<T> = stub()
}
class ProvidedValue<T>
fun <T> compositionLocalOf(defaultFactory: () -> T): ProvidableCompositionLocal<T> = stub()
@Composable
fun CompositionLocalProvider(vararg values: ProvidedValue<*>, content: @Composable () -> Unit): Unit = stub()

/** A reference to a composition (setContent's parent). */
abstract class CompositionContext
