// Compile-check stand-in (android/stubs): documented signature of the real API; nothing here runs.
@file:Suppress("unused", "UNUSED_PARAMETER", "PackageDirectoryMismatch")

package androidx.camera.core

import org.fyr.stubs.stub

interface ImageProxy : AutoCloseable

/** camera-core 1.4: the analysis use case; the app only names its Analyzer and a coordinate system. */
class ImageAnalysis private constructor() {
    fun interface Analyzer {
        fun analyze(image: ImageProxy)
    }
    companion object {
        const val COORDINATE_SYSTEM_ORIGINAL: Int = 0
    }
}
