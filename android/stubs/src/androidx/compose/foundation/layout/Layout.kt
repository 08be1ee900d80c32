// Compile-check stand-in (android/stubs): documented signature of the real API; nothing here runs.
@file:Suppress("unused", "UNUSED_PARAMETER", "PackageDirectoryMismatch")

package androidx.compose.foundation.layout

import androidx.compose.runtime.Composable
import androidx.compose.ui.Alignment
import androidx.compose.ui.Modifier
import androidx.compose.ui.unit.Dp
import androidx.compose.ui.unit.dp
import org.fyr.stubs.stub

object Arrangement {
    interface Horizontal
    interface Vertical
    interface HorizontalOrVertical : Horizontal, Vertical
    val Start: Horizontal get() = stub()
    val End: Horizontal get() = stub()
    val Top: Vertical get() = stub()
    val Bottom: Vertical get() = stub()
    val Center: HorizontalOrVertical get() = stub()
    val SpaceBetween: HorizontalOrVertical get() = stub()
    fun spacedBy(space: Dp): HorizontalOrVertical = stub()
}

interface ColumnScope
interface RowScope
interface BoxScope
interface FlowRowScope : RowScope

@RequiresOptIn(message = "The API of this layout is experimental and is likely to change in the future.")
annotation class ExperimentalLayoutApi

class PaddingValues(all: Dp)

@Composable
inline fun Column(
    modifier: Modifier = Modifier,
    verticalArrangement: Arrangement.Vertical = Arrangement.Top,
    horizontalAlignment: Alignment.Horizontal = Alignment.Start,
    content: @Composable ColumnScope.() -> Unit,
): Unit = stub()

@Composable
inline fun Row(
    modifier: Modifier = Modifier,
    horizontalArrangement: Arrangement.Horizontal = Arrangement.Start,
    verticalAlignment: Alignment.Vertical = Alignment.Top,
    content: @Composable RowScope.() -> Unit,
): Unit = stub()

@Composable
inline fun Box(
    modifier: Modifier = Modifier,
    contentAlignment: Alignment = Alignment.TopStart,
    propagateMinConstraints: Boolean = false,
    content: @Composable BoxScope.() -> Unit,
): Unit = stub()

@Composable
fun Spacer(modifier: Modifier): Unit = stub()

@ExperimentalLayoutApi
@Composable
inline fun FlowRow(
    modifier: Modifier = Modifier,
    horizontalArrangement: Arrangement.Horizontal = Arrangement.Start,
    verticalArrangement: Arrangement.Vertical = Arrangement.Top,
    maxItemsInEachRow: Int = Int.MAX_VALUE,
    maxLines: Int = Int.MAX_VALUE,
    overflow: FlowRowOverflow = FlowRowOverflow.Clip,
    content: @Composable FlowRowScope.() -> Unit,
): Unit = stub()

fun Modifier.padding(all: Dp): Modifier = stub()
fun Modifier.padding(horizontal: Dp = 0.dp, vertical: Dp = 0.dp): Modifier = stub()
fun Modifier.padding(start: Dp = 0.dp, top: Dp = 0.dp, end: Dp = 0.dp, bottom: Dp = 0.dp): Modifier = stub()
fun Modifier.padding(paddingValues: PaddingValues): Modifier = stub()
fun Modifier.fillMaxWidth(fraction: Float = 1f): Modifier = stub()
fun Modifier.fillMaxSize(fraction: Float = 1f): Modifier = stub()
fun Modifier.height(height: Dp): Modifier = stub()

/** foundation-layout 1.7: what a FlowRow does with items past maxLines. */
class FlowRowOverflow private constructor() {
    companion object {
        val Visible: FlowRowOverflow get() = stub()
        val Clip: FlowRowOverflow get() = stub()
    }
}

/** androidx.compose.foundation.layout.WindowInsets (an interface upstream). */
interface WindowInsets
