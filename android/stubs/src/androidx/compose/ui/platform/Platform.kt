// Compile-check stand-in (android/stubs): documented signature of the real API; nothing here runs.
@file:Suppress("unused", "UNUSED_PARAMETER", "PackageDirectoryMismatch")

package androidx.compose.ui.platform

import android.content.Context
import androidx.compose.runtime.ProvidableCompositionLocal
import androidx.compose.ui.unit.LayoutDirection
import org.fyr.stubs.stub

val LocalContext: ProvidableCompositionLocal<Context> get() = stub()
val LocalLayoutDirection: ProvidableCompositionLocal<LayoutDirection> get() = stub()
