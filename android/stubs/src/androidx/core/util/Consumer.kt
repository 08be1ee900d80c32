// Compile-check stand-in (android/stubs): documented signature of the real API; nothing here runs.
@file:Suppress("unused", "UNUSED_PARAMETER", "PackageDirectoryMismatch")

package androidx.core.util

/** androidx.core.util.Consumer (a Java functional interface: lambdas convert). */
fun interface Consumer<T> {
    fun accept(t: T)
}
