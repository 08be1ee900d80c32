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
import androidx.compose.foundation.interaction.MutableInteractionSource
import androidx.compose.foundation.layout.WindowInsets
import androidx.compose.foundation.text.KeyboardActions
import androidx.compose.foundation.text.KeyboardOptions
import androidx.compose.runtime.ProvidableCompositionLocal
import androidx.compose.ui.graphics.StrokeCap
import androidx.compose.ui.graphics.drawscope.DrawScope
import androidx.compose.ui.text.input.VisualTransformation
import androidx.compose.ui.window.DialogProperties
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
    val background: Color get() = stub()
}

/** The content colour for a container colour (`ColorScheme.contentColorFor` as a composable). */
@Composable
@ReadOnlyComposable
fun contentColorFor(backgroundColor: Color): Color = stub()

val LocalContentColor: ProvidableCompositionLocal<Color> get() = stub()
val LocalTextStyle: ProvidableCompositionLocal<TextStyle> get() = stub()

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


// ---------------------------------------------------------------------------
// Every stand-in below lists the real material3 1.3 parameter list in full, in
// order (names, types, nullability, which have defaults, and the default
// expressions of the real API), so a positional or named call binds exactly
// as it would against the real library.

class ButtonColors
class ButtonElevation

object ButtonDefaults {
    val ContentPadding: PaddingValues get() = stub()
    val TextButtonContentPadding: PaddingValues get() = stub()
    val shape: Shape @Composable get() = stub()
    val outlinedShape: Shape @Composable get() = stub()
    val textShape: Shape @Composable get() = stub()
    @Composable fun buttonColors(): ButtonColors = stub()
    @Composable fun outlinedButtonColors(): ButtonColors = stub()
    @Composable fun textButtonColors(): ButtonColors = stub()
    @Composable fun buttonElevation(): ButtonElevation = stub()
    @Composable fun outlinedButtonBorder(enabled: Boolean = true): BorderStroke = stub()
}

@Composable
fun Button(
    onClick: () -> Unit,
    modifier: Modifier = Modifier,
    enabled: Boolean = true,
    shape: Shape = ButtonDefaults.shape,
    colors: ButtonColors = ButtonDefaults.buttonColors(),
    elevation: ButtonElevation? = ButtonDefaults.buttonElevation(),
    border: BorderStroke? = null,
    contentPadding: PaddingValues = ButtonDefaults.ContentPadding,
    interactionSource: MutableInteractionSource? = null,
    content: @Composable RowScope.() -> Unit,
): Unit = stub()

@Composable
fun OutlinedButton(
    onClick: () -> Unit,
    modifier: Modifier = Modifier,
    enabled: Boolean = true,
    shape: Shape = ButtonDefaults.outlinedShape,
    colors: ButtonColors = ButtonDefaults.outlinedButtonColors(),
    elevation: ButtonElevation? = null,
    border: BorderStroke? = ButtonDefaults.outlinedButtonBorder(enabled),
    contentPadding: PaddingValues = ButtonDefaults.ContentPadding,
    interactionSource: MutableInteractionSource? = null,
    content: @Composable RowScope.() -> Unit,
): Unit = stub()

@Composable
fun TextButton(
    onClick: () -> Unit,
    modifier: Modifier = Modifier,
    enabled: Boolean = true,
    shape: Shape = ButtonDefaults.textShape,
    colors: ButtonColors = ButtonDefaults.textButtonColors(),
    elevation: ButtonElevation? = null,
    border: BorderStroke? = null,
    contentPadding: PaddingValues = ButtonDefaults.TextButtonContentPadding,
    interactionSource: MutableInteractionSource? = null,
    content: @Composable RowScope.() -> Unit,
): Unit = stub()

class TextFieldColors

object OutlinedTextFieldDefaults {
    val shape: Shape @Composable get() = stub()
    @Composable fun colors(): TextFieldColors = stub()
}

/** material3 1.3 OutlinedTextField(String, …). */
@Composable
fun OutlinedTextField(
    value: String,
    onValueChange: (String) -> Unit,
    modifier: Modifier = Modifier,
    enabled: Boolean = true,
    readOnly: Boolean = false,
    textStyle: TextStyle = LocalTextStyle.current,
    label: @Composable (() -> Unit)? = null,
    placeholder: @Composable (() -> Unit)? = null,
    leadingIcon: @Composable (() -> Unit)? = null,
    trailingIcon: @Composable (() -> Unit)? = null,
    prefix: @Composable (() -> Unit)? = null,
    suffix: @Composable (() -> Unit)? = null,
    supportingText: @Composable (() -> Unit)? = null,
    isError: Boolean = false,
    visualTransformation: VisualTransformation = VisualTransformation.None,
    keyboardOptions: KeyboardOptions = KeyboardOptions.Default,
    keyboardActions: KeyboardActions = KeyboardActions.Default,
    singleLine: Boolean = false,
    maxLines: Int = if (singleLine) 1 else Int.MAX_VALUE,
    minLines: Int = 1,
    interactionSource: MutableInteractionSource? = null,
    shape: Shape = OutlinedTextFieldDefaults.shape,
    colors: TextFieldColors = OutlinedTextFieldDefaults.colors(),
): Unit = stub()

class SwitchColors

object SwitchDefaults {
    @Composable fun colors(): SwitchColors = stub()
}

@Composable
fun Switch(
    checked: Boolean,
    onCheckedChange: ((Boolean) -> Unit)?,
    modifier: Modifier = Modifier,
    thumbContent: (@Composable () -> Unit)? = null,
    enabled: Boolean = true,
    colors: SwitchColors = SwitchDefaults.colors(),
    interactionSource: MutableInteractionSource? = null,
): Unit = stub()

class SelectableChipColors
class SelectableChipElevation

object FilterChipDefaults {
    val shape: Shape @Composable get() = stub()
    @Composable fun filterChipColors(): SelectableChipColors = stub()
    @Composable fun filterChipElevation(): SelectableChipElevation = stub()
    @Composable fun filterChipBorder(enabled: Boolean, selected: Boolean): BorderStroke = stub()
}

@Composable
fun FilterChip(
    selected: Boolean,
    onClick: () -> Unit,
    label: @Composable () -> Unit,
    modifier: Modifier = Modifier,
    enabled: Boolean = true,
    leadingIcon: @Composable (() -> Unit)? = null,
    trailingIcon: @Composable (() -> Unit)? = null,
    shape: Shape = FilterChipDefaults.shape,
    colors: SelectableChipColors = FilterChipDefaults.filterChipColors(),
    elevation: SelectableChipElevation? = FilterChipDefaults.filterChipElevation(),
    border: BorderStroke? = FilterChipDefaults.filterChipBorder(enabled, selected),
    interactionSource: MutableInteractionSource? = null,
): Unit = stub()

class CardColors
class CardElevation

object CardDefaults {
    val shape: Shape @Composable get() = stub()
    @Composable fun cardColors(): CardColors = stub()
    @Composable fun cardElevation(): CardElevation = stub()
}

/** The non-clickable Card (the app makes the card clickable with its own semantics). */
@Composable
fun Card(
    modifier: Modifier = Modifier,
    shape: Shape = CardDefaults.shape,
    colors: CardColors = CardDefaults.cardColors(),
    elevation: CardElevation = CardDefaults.cardElevation(),
    border: BorderStroke? = null,
    content: @Composable ColumnScope.() -> Unit,
): Unit = stub()

object ProgressIndicatorDefaults {
    val linearColor: Color @Composable get() = stub()
    val linearTrackColor: Color @Composable get() = stub()
    val LinearStrokeCap: StrokeCap get() = stub()
    val LinearIndicatorTrackGapSize: Dp get() = stub()
    fun drawStopIndicator(drawScope: DrawScope, stopSize: Dp, color: Color, strokeCap: StrokeCap): Unit = stub()
    val LinearTrackStopIndicatorSize: Dp get() = stub()
}

/** material3 1.3 LinearProgressIndicator with a progress lambda (the overload without gapSize is hidden). */
@Composable
fun LinearProgressIndicator(
    progress: () -> Float,
    modifier: Modifier = Modifier,
    color: Color = ProgressIndicatorDefaults.linearColor,
    trackColor: Color = ProgressIndicatorDefaults.linearTrackColor,
    strokeCap: StrokeCap = ProgressIndicatorDefaults.LinearStrokeCap,
    gapSize: Dp = ProgressIndicatorDefaults.LinearIndicatorTrackGapSize,
    drawStopIndicator: DrawScope.() -> Unit = {
        ProgressIndicatorDefaults.drawStopIndicator(
            drawScope = this,
            stopSize = ProgressIndicatorDefaults.LinearTrackStopIndicatorSize,
            color = trackColor,
            strokeCap = strokeCap,
        )
    },
): Unit = stub()

@Composable
fun Icon(
    imageVector: ImageVector,
    contentDescription: String?,
    modifier: Modifier = Modifier,
    tint: Color = LocalContentColor.current,
): Unit = stub()

@JvmInline
value class FabPosition(val value: Int) {
    companion object {
        val Start: FabPosition get() = stub()
        val Center: FabPosition get() = stub()
        val End: FabPosition get() = stub()
        val EndOverlay: FabPosition get() = stub()
    }
}

object ScaffoldDefaults {
    val contentWindowInsets: WindowInsets @Composable get() = stub()
}

@Composable
fun Scaffold(
    modifier: Modifier = Modifier,
    topBar: @Composable () -> Unit = {},
    bottomBar: @Composable () -> Unit = {},
    snackbarHost: @Composable () -> Unit = {},
    floatingActionButton: @Composable () -> Unit = {},
    floatingActionButtonPosition: FabPosition = FabPosition.End,
    containerColor: Color = MaterialTheme.colorScheme.background,
    contentColor: Color = contentColorFor(containerColor),
    contentWindowInsets: WindowInsets = ScaffoldDefaults.contentWindowInsets,
    content: @Composable (PaddingValues) -> Unit,
): Unit = stub()

object NavigationBarDefaults {
    val Elevation: Dp get() = stub()
    val containerColor: Color @Composable get() = stub()
    val windowInsets: WindowInsets @Composable get() = stub()
}

@Composable
fun NavigationBar(
    modifier: Modifier = Modifier,
    containerColor: Color = NavigationBarDefaults.containerColor,
    contentColor: Color = contentColorFor(containerColor),
    tonalElevation: Dp = NavigationBarDefaults.Elevation,
    windowInsets: WindowInsets = NavigationBarDefaults.windowInsets,
    content: @Composable RowScope.() -> Unit,
): Unit = stub()

class NavigationBarItemColors

object NavigationBarItemDefaults {
    @Composable fun colors(): NavigationBarItemColors = stub()
}

@Composable
fun RowScope.NavigationBarItem(
    selected: Boolean,
    onClick: () -> Unit,
    icon: @Composable () -> Unit,
    modifier: Modifier = Modifier,
    enabled: Boolean = true,
    label: @Composable (() -> Unit)? = null,
    alwaysShowLabel: Boolean = true,
    colors: NavigationBarItemColors = NavigationBarItemDefaults.colors(),
    interactionSource: MutableInteractionSource? = null,
): Unit = stub()

object AlertDialogDefaults {
    val shape: Shape @Composable get() = stub()
    val containerColor: Color @Composable get() = stub()
    val iconContentColor: Color @Composable get() = stub()
    val titleContentColor: Color @Composable get() = stub()
    val textContentColor: Color @Composable get() = stub()
    val TonalElevation: Dp get() = stub()
}

@Composable
fun AlertDialog(
    onDismissRequest: () -> Unit,
    confirmButton: @Composable () -> Unit,
    modifier: Modifier = Modifier,
    dismissButton: @Composable (() -> Unit)? = null,
    icon: @Composable (() -> Unit)? = null,
    title: @Composable (() -> Unit)? = null,
    text: @Composable (() -> Unit)? = null,
    shape: Shape = AlertDialogDefaults.shape,
    containerColor: Color = AlertDialogDefaults.containerColor,
    iconContentColor: Color = AlertDialogDefaults.iconContentColor,
    titleContentColor: Color = AlertDialogDefaults.titleContentColor,
    textContentColor: Color = AlertDialogDefaults.textContentColor,
    tonalElevation: Dp = AlertDialogDefaults.TonalElevation,
    properties: DialogProperties = DialogProperties(),
): Unit = stub()
