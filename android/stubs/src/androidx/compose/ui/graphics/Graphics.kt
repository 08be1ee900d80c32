// Compile-check stand-in (android/stubs): documented signature of the real API; nothing here runs.
@file:Suppress("unused", "UNUSED_PARAMETER", "PackageDirectoryMismatch")

package androidx.compose.ui.graphics

import org.fyr.stubs.stub

@JvmInline
value class Color(val value: ULong) {
    companion object {
        val Unspecified: Color get() = stub()
        val Gray: Color get() = stub()
        val Black: Color get() = stub()
        val White: Color get() = stub()
        val Red: Color get() = stub()
    }
}
fun Color(color: Long): Color = stub()
fun Color(color: Int): Color = stub()

/** androidx.compose.ui.graphics.Shape. */
interface Shape

val RectangleShape: Shape get() = org.fyr.stubs.stub()
abstract class Brush

@JvmInline
value class StrokeCap internal constructor(val value: Int) {
    companion object {
        val Butt: StrokeCap get() = org.fyr.stubs.stub()
        val Round: StrokeCap get() = org.fyr.stubs.stub()
        val Square: StrokeCap get() = org.fyr.stubs.stub()
    }
}
