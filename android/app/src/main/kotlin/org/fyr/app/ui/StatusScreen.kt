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
import androidx.work.WorkInfo
import androidx.work.WorkManager
import androidx.lifecycle.compose.collectAsStateWithLifecycle
import org.fyr.app.FyrApplication
import org.fyr.app.sync.SyncScheduler
import org.fyr.presentation.Tone
import org.fyr.presentation.statusLines
import java.time.Instant

@Composable
fun StatusScreen(app: FyrApplication) {
    val ui = uiFor(app)
    // Re-read the status whenever a sync work item changes state.
    val work by WorkManager.getInstance(app).getWorkInfosForUniqueWorkFlow("fyr-sync-now").collectAsStateWithLifecycle(emptyList())
    var tick by remember { mutableStateOf(0) }
    val status by rememberCore(app, work.map { it.state }, tick) { it.status() }
    val outbox by rememberCore(app, work.map { it.state }, tick) { it.outbox() }
    Column(Modifier.padding(16.dp).verticalScroll(rememberScrollState()), verticalArrangement = Arrangement.spacedBy(8.dp)) {
        when (val s = status) {
            is Loaded.Ok -> statusLines(s.value, Instant.now(), ui).forEach { line ->
                Text(line.text, color = if (line.tone == Tone.WARNING) MaterialTheme.colorScheme.error else MaterialTheme.colorScheme.onSurface)
            }
            is Loaded.Failed -> ErrorText(s.message)
            Loaded.Loading -> Text("…")
        }
        Button(onClick = { SyncScheduler.syncSoon(app); tick++ }) { Text("Synka nu / Sync now") }
        (outbox as? Loaded.Ok)?.value?.forEach { e ->
            Text("${e.kind}${if (e.quarantined) " ⚠ ${e.reason.orEmpty()}" else ""}", style = MaterialTheme.typography.labelLarge)
            Text(e.payloadJson, style = MaterialTheme.typography.bodySmall)
        }
    }
}
