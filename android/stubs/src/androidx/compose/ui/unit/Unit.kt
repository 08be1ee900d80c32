// Compile-check stand-in (android/stubs): documented signature of the real API; nothing here runs.
@file:Suppress("unused", "UNUSED_PARAMETER", "PackageDirectoryMismatch")

package androidx.compose.ui.unit

import org.fyr.stubs.stub

@JvmInline
value class Dp(val value: Float)

inline val Int.dp: Dp get() = Dp(this.toFloat())
inline val Double.dp: Dp get() = Dp(this.toFloat())
inline val Float.dp: Dp get() = Dp(this)

@JvmInline
value class TextUnit(val packedValue: Long)
val Int.sp: TextUnit get() = stub()
