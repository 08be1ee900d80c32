// Compile-check stand-in (android/stubs): documented signature of the real API; nothing here runs.
@file:Suppress("unused", "UNUSED_PARAMETER", "PackageDirectoryMismatch")

package android.annotation

@Retention(AnnotationRetention.BINARY)
annotation class SuppressLint(vararg val value: String)
