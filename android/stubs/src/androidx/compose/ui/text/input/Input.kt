// Compile-check stand-in (android/stubs): documented signature of the real API; nothing here runs.
@file:Suppress("unused", "UNUSED_PARAMETER", "PackageDirectoryMismatch")

package androidx.compose.ui.text.input

import org.fyr.stubs.stub

/** A fun interface upstream (filter(AnnotatedString): TransformedText); the app only passes the default. */
interface VisualTransformation {
    companion object {
        val None: VisualTransformation get() = stub()
    }
}
