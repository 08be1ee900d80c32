// Compile-check stand-in (android/stubs): documented signature of the real API; nothing here runs.
@file:Suppress("unused", "UNUSED_PARAMETER", "PackageDirectoryMismatch")

package com.google.mlkit.vision.interfaces

import java.io.Closeable

/** ML Kit vision-interfaces: a detector whose results are of type [DetectionResultT]. */
interface Detector<DetectionResultT> : Closeable {
    override fun close()
}
