// Compile-check stand-in (android/stubs): documented signature of the real API; nothing here runs.
@file:Suppress("unused", "UNUSED_PARAMETER", "PackageDirectoryMismatch")

package androidx.compose.material3

import androidx.compose.foundation.layout.ColumnScope
import androidx.compose.foundation.layout.PaddingValues
import androidx.compose.foundation.layout.RowScope
import androidx.compose.runtime.Composable
import androidx.compose.runtime.ReadOnlyComposable
import androidx.compose.ui.Modifier
import androidx.compose.ui.graphics.Color
import androidx.compose.ui.graphics.vector.ImageVector
import androidx.compose.ui.text.TextStyle
import androidx.compose.ui.text.font.FontWeight
import androidx.compose.ui.text.style.TextAlign
import androidx.compose.ui.text.style.TextDecoration
import androidx.compose.ui.text.style.TextOverflow
import androidx.compose.ui.text.font.FontStyle
import androidx.compose.ui.text.font.FontFamily
import androidx.compose.ui.text.TextLayoutResult
import androidx.compose.ui.graphics.Shape
import androidx.compose.ui.graphics.RectangleShape
import androidx.compose.ui.unit.Dp
import androidx.compose.ui.unit.dp
import androidx.compose.foundation.BorderStroke
import androidx.compose.foundation.shape.CornerBasedShape
import androidx.compose.ui.unit.TextUnit
import org.fyr.stubs.stub

class ColorScheme {
    val primary: Color get() = stub()
    val onSurface: Color get() = stub()
    val onSurfaceVariant: Color get() = stub()
    val surface: Color get() = stub()
    val surfaceVariant: Color get() = stub()
    val error: Color get() = stub()
    val errorContainer: Color get() = stub()
    val tertiary: Color get() = stub()
}

class Typography {
    val headlineSmall: TextStyle get() = stub()
    val headlineMedium: TextStyle get() = stub()
    val titleLarge: TextStyle get() = stub()
    val titleMedium: TextStyle get() = stub()
    val bodyLarge: TextStyle get() = stub()
    val bodyMedium: TextStyle get() = stub()
    val bodySmall: TextStyle get() = stub()
    val labelLarge: TextStyle get() = stub()
    val labelSmall: TextStyle get() = stub()
}

class Shapes {
    val extraSmall: CornerBasedShape get() = stub()
    val small: CornerBasedShape get() = stub()
    val medium: CornerBasedShape get() = stub()
    val large: CornerBasedShape get() = stub()
}

object MaterialTheme {
    val colorScheme: ColorScheme @Composable @ReadOnlyComposable get() = stub()
    val typography: Typography @Composable @ReadOnlyComposable get() = stub()
    val shapes: Shapes @Composable @ReadOnlyComposable get() = stub()
}

@Composable
fun MaterialTheme(
    colorScheme: ColorScheme = stub(),
    shapes: Shapes = stub(),
    typography: Typography = stub(),
    content: @Composable () -> Unit,
): Unit = stub()

/** material3 1.3 Text(String, …): every parameter, in order. */
@Composable
fun Text(
    text: String,
    modifier: Modifier = Modifier,
    color: Color = Color.Unspecified,
    fontSize: TextUnit = TextUnit(0),
    fontStyle: FontStyle? = null,
    fontWeight: FontWeight? = null,
    fontFamily: FontFamily? = null,
    letterSpacing: TextUnit = TextUnit(0),
    textDecoration: TextDecoration? = null,
    textAlign: TextAlign? = null,
    lineHeight: TextUnit = TextUnit(0),
    overflow: TextOverflow = TextOverflow.Clip,
    softWrap: Boolean = true,
    maxLines: Int = Int.MAX_VALUE,
    minLines: Int = 1,
    onTextLayout: ((TextLayoutResult) -> Unit)? = null,
    style: TextStyle = TextStyle.Default,
): Unit = stub()

/** material3 1.3 Surface (the non-clickable one): every parameter, in order. */
@Composable
fun Surface(
    modifier: Modifier = Modifier,
    shape: Shape = RectangleShape,
    color: Color = Color.Unspecified,
    contentColor: Color = Color.Unspecified,
    tonalElevation: Dp = 0.dp,
    shadowElevation: Dp = 0.dp,
    border: BorderStroke? = null,
    content: @Composable () -> Unit,
): Unit = stub()

@Composable
fun Button(onClick: () -> Unit, modifier: Modifier = Modifier, enabled: Boolean = true, content: @Composable RowScope.() -> Unit): Unit = stub()
@Composable
fun OutlinedButton(onClick: () -> Unit, modifier: Modifier = Modifier, enabled: Boolean = true, content: @Composable RowScope.() -> Unit): Unit = stub()
@Composable
fun TextButton(onClick: () -> Unit, modifier: Modifier = Modifier, enabled: Boolean = true, content: @Composable RowScope.() -> Unit): Unit = stub()

@Composable
fun OutlinedTextField(
    value: String,
    onValueChange: (String) -> Unit,
    modifier: Modifier = Modifier,
    enabled: Boolean = true,
    readOnly: Boolean = false,
    textStyle: TextStyle = TextStyle.Default,
    label: @Composable (() -> Unit)? = null,
    placeholder: @Composable (() -> Unit)? = null,
    leadingIcon: @Composable (() -> Unit)? = null,
    trailingIcon: @Composable (() -> Unit)? = null,
    prefix: @Composable (() -> Unit)? = null,
    suffix: @Composable (() -> Unit)? = null,
    supportingText: @Composable (() -> Unit)? = null,
    isError: Boolean = false,
    singleLine: Boolean = false,
    maxLines: Int = if (singleLine) 1 else Int.MAX_VALUE,
    minLines: Int = 1,
): Unit = stub()

@Composable
fun Switch(checked: Boolean, onCheckedChange: ((Boolean) -> Unit)?, modifier: Modifier = Modifier, thumbContent: (@Composable () -> Unit)? = null, enabled: Boolean = true): Unit = stub()

@Composable
fun FilterChip(selected: Boolean, onClick: () -> Unit, label: @Composable () -> Unit, modifier: Modifier = Modifier, enabled: Boolean = true, leadingIcon: @Composable (() -> Unit)? = null, trailingIcon: @Composable (() -> Unit)? = null): Unit = stub()
@Composable
fun AssistChip(onClick: () -> Unit, label: @Composable () -> Unit, modifier: Modifier = Modifier, enabled: Boolean = true, leadingIcon: @Composable (() -> Unit)? = null, trailingIcon: @Composable (() -> Unit)? = null): Unit = stub()

@Composable
fun RadioButton(selected: Boolean, onClick: (() -> Unit)?, modifier: Modifier = Modifier, enabled: Boolean = true): Unit = stub()

@Composable
fun Card(modifier: Modifier = Modifier, content: @Composable ColumnScope.() -> Unit): Unit = stub()
@Composable
fun Card(onClick: () -> Unit, modifier: Modifier = Modifier, enabled: Boolean = true, content: @Composable ColumnScope.() -> Unit): Unit = stub()

@Composable
fun LinearProgressIndicator(progress: () -> Float, modifier: Modifier = Modifier, color: Color = Color.Unspecified, trackColor: Color = Color.Unspecified): Unit = stub()

@Composable
fun HorizontalDivider(modifier: Modifier = Modifier): Unit = stub()

@Composable
fun Icon(imageVector: ImageVector, contentDescription: String?, modifier: Modifier = Modifier, tint: Color = Color.Unspecified): Unit = stub()

@Composable
fun Scaffold(
    modifier: Modifier = Modifier,
    topBar: @Composable () -> Unit = {},
    bottomBar: @Composable () -> Unit = {},
    snackbarHost: @Composable () -> Unit = {},
    floatingActionButton: @Composable () -> Unit = {},
    content: @Composable (PaddingValues) -> Unit,
): Unit = stub()

@Composable
fun NavigationBar(modifier: Modifier = Modifier, content: @Composable RowScope.() -> Unit): Unit = stub()

@Composable
fun RowScope.NavigationBarItem(
    selected: Boolean,
    onClick: () -> Unit,
    icon: @Composable () -> Unit,
    modifier: Modifier = Modifier,
    enabled: Boolean = true,
    label: @Composable (() -> Unit)? = null,
    alwaysShowLabel: Boolean = true,
): Unit = stub()

@RequiresOptIn("This material API is experimental and is likely to change or to be removed in the future.")
annotation class ExperimentalMaterial3Api

@ExperimentalMaterial3Api
@Composable
fun TopAppBar(title: @Composable () -> Unit, modifier: Modifier = Modifier, navigationIcon: @Composable () -> Unit = {}, actions: @Composable RowScope.() -> Unit = {}): Unit = stub()

@Composable
fun IconButton(onClick: () -> Unit, modifier: Modifier = Modifier, enabled: Boolean = true, content: @Composable () -> Unit): Unit = stub()

@Composable
fun AlertDialog(
    onDismissRequest: () -> Unit,
    confirmButton: @Composable () -> Unit,
    modifier: Modifier = Modifier,
    dismissButton: @Composable (() -> Unit)? = null,
    icon: @Composable (() -> Unit)? = null,
    title: @Composable (() -> Unit)? = null,
    text: @Composable (() -> Unit)? = null,
): Unit = stub()
