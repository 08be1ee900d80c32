// Compile-check stand-in (android/stubs): documented signature of the real API; nothing here runs.
@file:Suppress("unused", "UNUSED_PARAMETER", "PackageDirectoryMismatch")

package org.fyr.stubs

/** The body of every stand-in: the compile check never runs them. */
fun stub(): Nothing = throw UnsupportedOperationException("android/stubs stand-in: compile check only")
