package org.fyr.app.ui

import androidx.compose.foundation.layout.Arrangement
import androidx.compose.foundation.layout.Column
import androidx.compose.foundation.layout.ExperimentalLayoutApi
import androidx.compose.foundation.layout.FlowRow
import androidx.compose.foundation.layout.padding
import androidx.compose.foundation.rememberScrollState
import androidx.compose.foundation.verticalScroll
import androidx.compose.material3.Button
import androidx.compose.material3.FilterChip
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.OutlinedTextField
import androidx.compose.material3.Text
import androidx.compose.runtime.Composable
import androidx.compose.runtime.LaunchedEffect
import androidx.compose.runtime.getValue
import androidx.compose.runtime.mutableStateOf
import androidx.compose.runtime.remember
import androidx.compose.runtime.rememberCoroutineScope
import androidx.compose.runtime.setValue
import androidx.compose.ui.Modifier
import androidx.compose.ui.unit.dp
import kotlinx.coroutines.launch
import org.fyr.app.FyrApplication
import org.fyr.core.Settings
import org.fyr.core.vocabulary

@OptIn(ExperimentalLayoutApi::class)
@Composable
fun SettingsScreen(app: FyrApplication) {
    val scope = rememberCoroutineScope()
    var settings by remember { mutableStateOf<Settings?>(null) }
    var message by remember { mutableStateOf<String?>(null) }
    val municipalities by rememberCore(app) { it.municipalities() }
    val kinds = remember { vocabulary().agencyKinds }
    LaunchedEffect(Unit) {
        when (val r = callCore(app) { it.settings() }) {
            is Loaded.Ok -> settings = r.value
            is Loaded.Failed -> message = r.message
            Loaded.Loading -> {}
        }
    }
    val s = settings ?: return run { message?.let { ErrorText(it) } ?: Text("…") }
    Column(Modifier.padding(16.dp).verticalScroll(rememberScrollState()), verticalArrangement = Arrangement.spacedBy(8.dp)) {
        Text("Språk / Language", style = MaterialTheme.typography.titleMedium)
        FlowRow {
            listOf("sv" to "Svenska", "en" to "English").forEach { (id, label) ->
                FilterChip(selected = s.lang == id, onClick = { settings = s.copy(lang = id) }, label = { Text(label) }, modifier = Modifier.padding(2.dp))
            }
        }
        Text("Hemkommun / Home municipality", style = MaterialTheme.typography.titleMedium)
        FlowRow {
            (municipalities as? Loaded.Ok)?.value?.forEach { m ->
                FilterChip(selected = s.homeMunicipality == m.code, onClick = { settings = s.copy(homeMunicipality = m.code) }, label = { Text(m.name) }, modifier = Modifier.padding(2.dp))
            }
        }
        Text("Verksamhet / Agency", style = MaterialTheme.typography.titleMedium)
        FlowRow {
            kinds.forEach { k ->
                FilterChip(selected = s.agencyKind == k.id, onClick = { settings = s.copy(agencyKind = k.id) }, label = { Text(if (s.lang == "sv") k.sv else k.en) }, modifier = Modifier.padding(2.dp))
            }
        }
        OutlinedTextField(
            value = s.retentionDays.toString(),
            onValueChange = { t -> t.toUIntOrNull()?.let { settings = s.copy(retentionDays = it) } },
            label = { Text("Sparade bedömningar, dagar / Keep completed screenings, days") },
            singleLine = true,
        )
        Button(onClick = {
            scope.launch {
                message = when (val r = callCore(app) { it.setSettings(s) }) {
                    is Loaded.Ok -> "✓"
                    is Loaded.Failed -> r.message
                    Loaded.Loading -> null
                }
            }
        }) { Text("Spara / Save") }
        message?.let { Text(it) }
    }
}
