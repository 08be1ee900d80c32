// Compile-check stand-in (android/stubs): documented signature of the real API; nothing here runs.
@file:Suppress("unused", "UNUSED_PARAMETER", "PackageDirectoryMismatch")

package com.google.mlkit.vision.barcode.common

import org.fyr.stubs.stub

class Barcode private constructor() {
    /** getRawValue(): @Nullable. */
    val rawValue: String? get() = stub()
    companion object {
        const val FORMAT_QR_CODE: Int = 256
    }
}
