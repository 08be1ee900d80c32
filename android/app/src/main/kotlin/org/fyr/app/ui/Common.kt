package org.fyr.app.ui

import androidx.compose.foundation.clickable
import androidx.compose.foundation.layout.Arrangement
import androidx.compose.foundation.layout.Column
import androidx.compose.foundation.layout.Row
import androidx.compose.foundation.layout.fillMaxWidth
import androidx.compose.foundation.layout.padding
import androidx.compose.material3.AssistChip
import androidx.compose.material3.Card
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.Text
import androidx.compose.runtime.Composable
import androidx.compose.runtime.LaunchedEffect
import androidx.compose.runtime.MutableState
import androidx.compose.runtime.mutableStateOf
import androidx.compose.runtime.remember
import androidx.compose.ui.Modifier
import androidx.compose.ui.graphics.Color
import androidx.compose.ui.unit.dp
import kotlinx.coroutines.CancellationException
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.withContext
import org.fyr.app.FyrApplication
import org.fyr.core.FyrCore
import org.fyr.core.FyrException
import org.fyr.presentation.HitRow
import org.fyr.presentation.OpenState

/** What a screen shows while the core answers: nothing yet, a value, or the core's error message. */
sealed class Loaded<out T> {
    object Loading : Loaded<Nothing>()
    data class Ok<T>(val value: T) : Loaded<T>()
    data class Failed(val message: String) : Loaded<Nothing>()
}

/**
 * Calls the core off the main thread. FyrException messages are shown as they
 * are; any other failure (opening the store, the Keystore) is shown with its
 * kind instead of crashing the app.
 */
suspend fun <T> callCore(app: FyrApplication, f: (FyrCore) -> T): Loaded<T> = withContext(Dispatchers.IO) {
    try {
        Loaded.Ok(f(app.core()))
    } catch (e: CancellationException) {
        throw e
    } catch (e: FyrException) {
        Loaded.Failed(e.message ?: e.toString())
    } catch (e: Exception) {
        Loaded.Failed("${e.javaClass.simpleName}: ${e.message ?: ""}")
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

@Composable
fun HitCardView(card: HitRow, onClick: () -> Unit) {
    Card(Modifier.fillMaxWidth().padding(horizontal = 12.dp, vertical = 6.dp).clickable(onClick = onClick)) {
        Column(Modifier.padding(12.dp)) {
            Text(card.title, style = MaterialTheme.typography.titleMedium)
            Text(card.subtitle, style = MaterialTheme.typography.bodySmall)
            Row(horizontalArrangement = Arrangement.spacedBy(8.dp)) {
                val color = when (card.openState) { OpenState.OPEN -> Color(0xFF1B7F3A); OpenState.CLOSED -> Color(0xFF9A1C1C); OpenState.UNKNOWN -> Color.Gray }
                Text(card.openLine, color = color, style = MaterialTheme.typography.bodyMedium)
                card.distance?.let { Text(it, style = MaterialTheme.typography.bodyMedium) }
            }
            if (card.badges.isNotEmpty()) {
                Row(horizontalArrangement = Arrangement.spacedBy(6.dp)) {
                    card.badges.forEach { AssistChip(onClick = {}, label = { Text(it) }) }
                }
            }
        }
    }
}
