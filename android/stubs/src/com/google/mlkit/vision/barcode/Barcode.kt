// Compile-check stand-in (android/stubs): documented signature of the real API; nothing here runs.
@file:Suppress("unused", "UNUSED_PARAMETER", "PackageDirectoryMismatch")

package com.google.mlkit.vision.barcode

import com.google.mlkit.vision.barcode.common.Barcode
import com.google.mlkit.vision.interfaces.Detector
import org.fyr.stubs.stub

/** com.google.mlkit:barcode-scanning 17.3 (bundled model). */
interface BarcodeScanner : Detector<List<Barcode>>

class BarcodeScanning private constructor() {
    companion object {
        @JvmStatic fun getClient(): BarcodeScanner = stub()
        @JvmStatic fun getClient(options: BarcodeScannerOptions): BarcodeScanner = stub()
    }
}

class BarcodeScannerOptions private constructor() {
    class Builder {
        fun setBarcodeFormats(format: Int, vararg moreFormats: Int): Builder = stub()
        fun build(): BarcodeScannerOptions = stub()
    }
}
