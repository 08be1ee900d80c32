package org.fyr.app.ui

import androidx.compose.foundation.clickable
import androidx.compose.foundation.layout.Arrangement
import androidx.compose.foundation.layout.Column
import androidx.compose.foundation.layout.FlowRow
import androidx.compose.foundation.layout.ExperimentalLayoutApi
import androidx.compose.foundation.layout.Row
import androidx.compose.foundation.layout.fillMaxWidth
import androidx.compose.foundation.layout.padding
import androidx.compose.foundation.selection.toggleable
import androidx.compose.material3.Card
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.Surface
import androidx.compose.material3.Switch
import androidx.compose.material3.Text
import androidx.compose.runtime.Composable
import androidx.compose.runtime.LaunchedEffect
import androidx.compose.runtime.MutableState
import androidx.compose.runtime.mutableStateOf
import androidx.compose.runtime.remember
import androidx.compose.ui.Alignment
import androidx.compose.ui.Modifier
import androidx.compose.ui.graphics.Color
import androidx.compose.ui.semantics.Role
import androidx.compose.ui.semantics.heading
import androidx.compose.ui.semantics.semantics
import androidx.compose.ui.unit.dp
import kotlinx.coroutines.CancellationException
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.withContext
import org.fyr.app.FyrApplication
import org.fyr.core.FyrCore
import org.fyr.presentation.HitRow
import org.fyr.presentation.OpenState

/** What a screen shows while the core answers: nothing yet, a value, or the core's words for the failure. */
sealed class Loaded<out T> {
    object Loading : Loaded<Nothing>()
    data class Ok<T>(val value: T) : Loaded<T>()
    data class Failed(val message: String) : Loaded<Nothing>()
}

/**
 * Calls the core off the main thread. Any Throwable (a FyrException, a
 * Keystore error, an UnsatisfiedLinkError from a failed library load) becomes
 * the core's words for its kind (`errorText`), never an exception name and
 * never a crash; cancellation still cancels.
 */
suspend fun <T> callCore(app: FyrApplication, f: (FyrCore) -> T): Loaded<T> = withContext(Dispatchers.IO) {
    try {
        Loaded.Ok(f(app.core()))
    } catch (e: CancellationException) {
        throw e
    } catch (e: Throwable) {
        Loaded.Failed(app.errorMessage(e))
    }
}

@Composable
fun <T> rememberCore(app: FyrApplication, vararg keys: Any?, f: (FyrCore) -> T): MutableState<Loaded<T>> {
    val state = remember { mutableStateOf<Loaded<T>>(Loaded.Loading) }
    LaunchedEffect(*keys) { state.value = callCore(app, f) }
    return state
}

@Composable
fun ErrorText(message: String) {
    Text(message, color = MaterialTheme.colorScheme.error, modifier = Modifier.padding(16.dp))
}

/** A section title, announced as a heading by TalkBack. */
@Composable
fun Heading(text: String) {
    Text(text, style = MaterialTheme.typography.titleMedium, modifier = Modifier.semantics { heading() })
}

/**
 * A switch with its label as one control: TalkBack reads the label and the
 * state, and a tap anywhere on the row toggles it.
 */
@Composable
fun LabelledSwitch(label: String, checked: Boolean, onChange: (Boolean) -> Unit) {
    Row(
        Modifier.toggleable(value = checked, role = Role.Switch, onValueChange = onChange).padding(vertical = 4.dp),
        verticalAlignment = Alignment.CenterVertically,
    ) {
        Switch(checked = checked, onCheckedChange = null)
        Text(label, Modifier.padding(start = 8.dp, end = 16.dp))
    }
}

/** A badge (demo, unverified, national): shown and read as text, never as a button. */
@Composable
fun Badge(text: String) {
    Surface(color = MaterialTheme.colorScheme.surfaceVariant, shape = MaterialTheme.shapes.small) {
        Text(text, style = MaterialTheme.typography.labelSmall, modifier = Modifier.padding(horizontal = 6.dp, vertical = 2.dp))
    }
}

@OptIn(ExperimentalLayoutApi::class)
@Composable
fun HitCardView(card: HitRow, onClick: () -> Unit) {
    Card(Modifier.fillMaxWidth().padding(horizontal = 12.dp, vertical = 6.dp).clickable(onClickLabel = card.title, role = Role.Button, onClick = onClick)) {
        Column(Modifier.padding(12.dp)) {
            Text(card.title, style = MaterialTheme.typography.titleMedium)
            Text(card.subtitle, style = MaterialTheme.typography.bodySmall)
            FlowRow(horizontalArrangement = Arrangement.spacedBy(8.dp)) {
                val color = when (card.openState) { OpenState.OPEN -> Color(0xFF1B7F3A); OpenState.CLOSED -> Color(0xFF9A1C1C); OpenState.UNKNOWN -> Color.Gray }
                Text(card.openLine, color = color, style = MaterialTheme.typography.bodyMedium)
                card.distance?.let { Text(it, style = MaterialTheme.typography.bodyMedium) }
            }
            if (card.badges.isNotEmpty()) {
                FlowRow(horizontalArrangement = Arrangement.spacedBy(6.dp)) { card.badges.forEach { Badge(it) } }
            }
        }
    }
}
