package org.fyr.app.ui

import androidx.compose.foundation.layout.Arrangement
import androidx.compose.foundation.layout.Column
import androidx.compose.foundation.layout.padding
import androidx.compose.foundation.rememberScrollState
import androidx.compose.foundation.verticalScroll
import androidx.compose.material3.Button
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.Text
import androidx.compose.runtime.Composable
import androidx.compose.runtime.getValue
import androidx.compose.runtime.mutableStateOf
import androidx.compose.runtime.remember
import androidx.compose.runtime.setValue
import androidx.compose.ui.Modifier
import androidx.compose.ui.unit.dp
import androidx.lifecycle.compose.collectAsStateWithLifecycle
import androidx.work.WorkManager
import org.fyr.app.FyrApplication
import org.fyr.core.types.UiText
import org.fyr.app.sync.SyncScheduler
import org.fyr.core.types.Tone
import org.fyr.presentation.KeyState

/** Data age, last sync, next attempt, and why the outbox did not go (with what to do). */
@Composable
fun StatusScreen(app: FyrApplication) {
    val t = app.texts()
    // Re-read the status whenever the sync work changes state.
    val work by WorkManager.getInstance(app).getWorkInfosForUniqueWorkFlow(SyncScheduler.NOW).collectAsStateWithLifecycle(emptyList())
    val planned by WorkManager.getInstance(app).getWorkInfosForUniqueWorkFlow(SyncScheduler.NEXT).collectAsStateWithLifecycle(emptyList())
    var tick by remember { mutableStateOf(0) }
    var queued by remember { mutableStateOf(false) }
    val states = (work + planned).map { it.state }
    val status by rememberCore(app, states, tick) { it.statusLines() }
    val outbox by rememberCore(app, states, tick) { it.outbox() }
    Column(Modifier.padding(16.dp).verticalScroll(rememberScrollState()), verticalArrangement = Arrangement.spacedBy(8.dp)) {
        if (app.keyState.value is KeyState.ReadFailed) ErrorText(t(UiText.KEY_READ_FAILED))
        when (val s = status) {
            is Loaded.Ok -> s.value.forEach { line ->
                Text(line.text, color = if (line.tone == Tone.WARNING) MaterialTheme.colorScheme.error else MaterialTheme.colorScheme.onSurface)
            }
            is Loaded.Failed -> ErrorText(s.message)
            Loaded.Loading -> Text(t(UiText.LOADING))
        }
        // The user's explicit sync: runs even before the next check; never cancels one already running.
        Button(onClick = { SyncScheduler.syncNow(app); queued = true; tick++ }) { Text(t(UiText.SYNC_NOW)) }
        if (queued) Text(t(UiText.SYNC_QUEUED), style = MaterialTheme.typography.bodySmall)
        (outbox as? Loaded.Ok)?.value?.takeIf { it.isNotEmpty() }?.let { rows ->
            Heading(t(UiText.OUTBOX))
            // The core's words for each row (what it is, where it stands); never the payload JSON.
            rows.forEach { e -> Text(e.text, style = MaterialTheme.typography.bodySmall, color = if (e.quarantined) MaterialTheme.colorScheme.error else MaterialTheme.colorScheme.onSurface) }
        }
    }
}
