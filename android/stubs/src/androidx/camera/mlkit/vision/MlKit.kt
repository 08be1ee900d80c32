// Compile-check stand-in (android/stubs): documented signature of the real API; nothing here runs.
@file:Suppress("unused", "UNUSED_PARAMETER", "PackageDirectoryMismatch")

package androidx.camera.mlkit.vision

import androidx.camera.core.ImageAnalysis
import androidx.camera.core.ImageProxy
import androidx.core.util.Consumer
import com.google.mlkit.vision.interfaces.Detector
import org.fyr.stubs.stub
import java.util.concurrent.Executor

/** camera-mlkit-vision 1.4: runs ML Kit detectors on each analysed frame. */
class MlKitAnalyzer(
    detectors: List<Detector<*>>,
    targetCoordinateSystem: Int,
    executor: Executor,
    consumer: Consumer<Result>,
) : ImageAnalysis.Analyzer {
    override fun analyze(image: ImageProxy): Unit = stub()

    class Result {
        /** @Nullable: no value for this detector in this frame. */
        fun <T> getValue(detector: Detector<T>): T? = stub()
        fun getThrowable(detector: Detector<*>): Throwable? = stub()
        val timestamp: Long get() = stub()
    }
}
