package org.fyr.app.ui

import androidx.camera.core.ImageAnalysis
import androidx.camera.mlkit.vision.MlKitAnalyzer
import androidx.camera.view.LifecycleCameraController
import androidx.camera.view.PreviewView
import androidx.compose.foundation.layout.Column
import androidx.compose.foundation.layout.fillMaxWidth
import androidx.compose.foundation.layout.height
import androidx.compose.material3.Text
import androidx.compose.material3.TextButton
import androidx.compose.runtime.Composable
import androidx.compose.runtime.DisposableEffect
import androidx.compose.runtime.remember
import androidx.compose.ui.Modifier
import androidx.compose.ui.platform.LocalContext
import androidx.compose.ui.semantics.contentDescription
import androidx.compose.ui.semantics.semantics
import androidx.compose.ui.unit.dp
import androidx.compose.ui.viewinterop.AndroidView
import androidx.core.content.ContextCompat
import androidx.lifecycle.compose.LocalLifecycleOwner
import com.google.mlkit.vision.barcode.BarcodeScannerOptions
import com.google.mlkit.vision.barcode.BarcodeScanning
import com.google.mlkit.vision.barcode.common.Barcode

/**
 * The in-app QR scanner for enrollment: CameraX (camera-view's
 * LifecycleCameraController and PreviewView) with ML Kit's bundled barcode
 * model (com.google.mlkit:barcode-scanning; the model ships in the app,
 * nothing is downloaded). The first QR code read is handed to [onCode] once;
 * the camera stops when the scanner leaves the screen. The caller asks for
 * the CAMERA permission first and keeps typed entry as the alternative.
 */
@Composable
fun QrScanner(hint: String, cancelLabel: String, onCode: (String) -> Unit, onCancel: () -> Unit) {
    val context = LocalContext.current
    val owner = LocalLifecycleOwner.current
    val scanner = remember {
        BarcodeScanning.getClient(BarcodeScannerOptions.Builder().setBarcodeFormats(Barcode.FORMAT_QR_CODE).build())
    }
    val controller = remember { LifecycleCameraController(context) }
    var delivered = false
    DisposableEffect(owner) {
        val executor = ContextCompat.getMainExecutor(context)
        controller.setImageAnalysisAnalyzer(
            executor,
            MlKitAnalyzer(listOf(scanner), ImageAnalysis.COORDINATE_SYSTEM_ORIGINAL, executor) { result ->
                val code = result.getValue(scanner)?.firstNotNullOfOrNull { it.rawValue }
                if (code != null && !delivered) {
                    delivered = true
                    onCode(code)
                }
            },
        )
        controller.bindToLifecycle(owner)
        onDispose {
            controller.unbind()
            scanner.close()
        }
    }
    Column {
        Text(hint)
        AndroidView(
            factory = { ctx -> PreviewView(ctx).also { it.controller = controller } },
            // fixed-size-ok: the camera preview holds no text (the hint above wraps)
            modifier = Modifier.fillMaxWidth().height(280.dp).semantics { contentDescription = hint },
        )
        TextButton(onClick = onCancel) { Text(cancelLabel) }
    }
}
