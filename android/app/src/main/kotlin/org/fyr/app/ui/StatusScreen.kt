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

/** Data age, last sync, next attempt, and why the outbox did not go (with what to do). */
@Composable
fun StatusScreen(app: FyrApplication) {
    val t = app.texts()
    // Re-read the status whenever the sync work changes state.
    val work by WorkManager.getInstance(app).getWorkInfosForUniqueWorkFlow(SyncScheduler.NOW).collectAsStateWithLifecycle(emptyList())
    var tick by remember { mutableStateOf(0) }
    var queued by remember { mutableStateOf(false) }
    val states = work.map { it.state }
    val status by rememberCore(app, states, tick) { it.statusLines() }
    val outbox by rememberCore(app, states, tick) { it.outbox() }
    Column(Modifier.padding(16.dp).verticalScroll(rememberScrollState()), verticalArrangement = Arrangement.spacedBy(8.dp)) {
        app.keyProblem?.let { ErrorText(t(UiText.KEY_PROBLEM)) }
        when (val s = status) {
            is Loaded.Ok -> s.value.forEach { line ->
                Text(line.text, color = if (line.tone == Tone.WARNING) MaterialTheme.colorScheme.error else MaterialTheme.colorScheme.onSurface)
            }
            is Loaded.Failed -> ErrorText(s.message)
            Loaded.Loading -> Text(t(UiText.LOADING))
        }
        Button(onClick = { SyncScheduler.syncSoon(app); queued = true; tick++ }) { Text(t(UiText.SYNC_NOW)) }
        if (queued) Text(t(UiText.SYNC_QUEUED), style = MaterialTheme.typography.bodySmall)
        (outbox as? Loaded.Ok)?.value?.forEach { e ->
            Text("${e.kind}${if (e.quarantined) " ⚠ ${e.reason.orEmpty()}" else ""}", style = MaterialTheme.typography.labelLarge)
            Text(e.payloadJson, style = MaterialTheme.typography.bodySmall)
        }
    }
}
