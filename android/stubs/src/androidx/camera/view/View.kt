// Compile-check stand-in (android/stubs): documented signature of the real API; nothing here runs.
@file:Suppress("unused", "UNUSED_PARAMETER", "PackageDirectoryMismatch")

package androidx.camera.view

import android.content.Context
import android.widget.FrameLayout
import androidx.camera.core.ImageAnalysis
import androidx.lifecycle.LifecycleOwner
import org.fyr.stubs.stub
import java.util.concurrent.Executor

/** camera-view 1.4. */
abstract class CameraController internal constructor() {
    fun setImageAnalysisAnalyzer(executor: Executor, analyzer: ImageAnalysis.Analyzer): Unit = stub()
    fun clearImageAnalysisAnalyzer(): Unit = stub()
}

class LifecycleCameraController(context: Context) : CameraController() {
    fun bindToLifecycle(lifecycleOwner: LifecycleOwner): Unit = stub()
    fun unbind(): Unit = stub()
}

open class PreviewView(context: Context) : FrameLayout(context) {
    /** getController()/setController(CameraController?). */
    var controller: CameraController? get() = stub(); set(value) = stub()
}
