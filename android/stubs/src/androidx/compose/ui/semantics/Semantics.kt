// Compile-check stand-in (android/stubs): documented signature of the real API; nothing here runs.
@file:Suppress("unused", "UNUSED_PARAMETER", "PackageDirectoryMismatch")

package androidx.compose.ui.semantics

import androidx.compose.ui.Modifier
import org.fyr.stubs.stub

@JvmInline
value class Role private constructor(private val value: Int) {
    companion object {
        val Button: Role get() = stub()
        val Checkbox: Role get() = stub()
        val Switch: Role get() = stub()
        val RadioButton: Role get() = stub()
        val Tab: Role get() = stub()
        val Image: Role get() = stub()
    }
}

interface SemanticsPropertyReceiver

fun Modifier.semantics(mergeDescendants: Boolean = false, properties: SemanticsPropertyReceiver.() -> Unit): Modifier = stub()
fun Modifier.clearAndSetSemantics(properties: SemanticsPropertyReceiver.() -> Unit): Modifier = stub()

var SemanticsPropertyReceiver.contentDescription: String
    get() = stub()
    set(value) = stub()

fun SemanticsPropertyReceiver.heading(): Unit = stub()
