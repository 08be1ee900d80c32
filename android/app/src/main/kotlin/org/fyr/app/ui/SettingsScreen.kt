package org.fyr.app.ui

import android.content.ActivityNotFoundException
import android.content.Intent
import androidx.activity.compose.rememberLauncherForActivityResult
import androidx.activity.result.contract.ActivityResultContracts
import androidx.compose.foundation.layout.Arrangement
import androidx.compose.foundation.layout.Column
import androidx.compose.foundation.layout.ExperimentalLayoutApi
import androidx.compose.foundation.layout.FlowRow
import androidx.compose.foundation.layout.Row
import androidx.compose.foundation.layout.padding
import androidx.compose.foundation.rememberScrollState
import androidx.compose.foundation.verticalScroll
import androidx.compose.material3.Button
import androidx.compose.material3.FilterChip
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.OutlinedButton
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
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.launch
import kotlinx.coroutines.withContext
import org.fyr.app.FyrApplication
import org.fyr.core.types.UiText
import org.fyr.app.security.StoreKey
import org.fyr.core.FyrException
import org.fyr.core.Settings

/** A QR scanner app's documented intent (ZXing and compatible); none installed → type the code. */
private const val SCAN_ACTION = "com.google.zxing.client.android.SCAN"

@OptIn(ExperimentalLayoutApi::class)
@Composable
fun SettingsScreen(app: FyrApplication, onLanguageChanged: () -> Unit) {
    val t = app.texts()
    val scope = rememberCoroutineScope()
    var settings by remember { mutableStateOf<Settings?>(null) }
    var message by remember { mutableStateOf<String?>(null) }
    var code by remember { mutableStateOf("") }
    var enrollMessage by remember { mutableStateOf<String?>(null) }
    val municipalities by rememberCore(app) { it.municipalities() }
    val vocab by rememberCore(app) { it.vocabularyLabels() }

    fun enroll(typedOrScanned: String) = scope.launch {
        enrollMessage = try {
            val e = withContext(Dispatchers.IO) { app.core() }.enroll(typedOrScanned.trim())
            withContext(Dispatchers.IO) { StoreKey.saveDeviceToken(app, e.token) }
            code = ""
            "✓ ${e.county} · ${e.agencyKind}"
        } catch (e: FyrException) {
            e.message ?: e.toString()
        } catch (e: Exception) {
            "${e.javaClass.simpleName}: ${e.message ?: ""}"
        }
    }
    val scan = rememberLauncherForActivityResult(ActivityResultContracts.StartActivityForResult()) { r ->
        r.data?.getStringExtra("SCAN_RESULT")?.let { scanned -> code = scanned; enroll(scanned) }
    }

    LaunchedEffect(Unit) {
        when (val r = callCore(app) { it.settings() }) {
            is Loaded.Ok -> settings = r.value
            is Loaded.Failed -> message = r.message
            Loaded.Loading -> {}
        }
    }
    val s = settings ?: return run { message?.let { ErrorText(it) } ?: Text(t(UiText.LOADING)) }
    Column(Modifier.padding(16.dp).verticalScroll(rememberScrollState()), verticalArrangement = Arrangement.spacedBy(8.dp)) {
        Text(t(UiText.LANGUAGE), style = MaterialTheme.typography.titleMedium)
        FlowRow {
            listOf("sv" to "Svenska", "en" to "English").forEach { (id, name) ->
                FilterChip(selected = s.lang == id, onClick = { settings = s.copy(lang = id) }, label = { Text(name) }, modifier = Modifier.padding(2.dp))
            }
        }
        Text(t(UiText.MUNICIPALITY), style = MaterialTheme.typography.titleMedium)
        FlowRow {
            (municipalities as? Loaded.Ok)?.value?.forEach { m ->
                FilterChip(selected = s.homeMunicipality == m.code, onClick = { settings = s.copy(homeMunicipality = m.code) }, label = { Text(m.name) }, modifier = Modifier.padding(2.dp))
            }
        }
        Text(t(UiText.AGENCY), style = MaterialTheme.typography.titleMedium)
        FlowRow {
            (vocab as? Loaded.Ok)?.value?.agencyKinds?.forEach { k ->
                FilterChip(selected = s.agencyKind == k.id, onClick = { settings = s.copy(agencyKind = k.id) }, label = { Text(k.label) }, modifier = Modifier.padding(2.dp))
            }
        }
        OutlinedTextField(
            value = s.retentionDays.toString(),
            onValueChange = { t -> t.toUIntOrNull()?.let { settings = s.copy(retentionDays = it) } },
            label = { Text(t(UiText.RETENTION_DAYS)) },
            singleLine = true,
        )
        Button(onClick = {
            scope.launch {
                val langChanged = s.lang != app.lang
                message = when (val r = callCore(app) { it.setSettings(s) }) {
                    is Loaded.Ok -> t(UiText.SAVED)
                    is Loaded.Failed -> r.message
                    Loaded.Loading -> null
                }
                if (langChanged && message == t(UiText.SAVED)) {
                    // The core makes texts in the language it was opened with: reopen, then redraw.
                    withContext(Dispatchers.IO) { app.reopen() }
                    onLanguageChanged()
                }
            }
        }) { Text(t(UiText.SAVE)) }
        message?.let { Text(it) }

        Text(t(UiText.ENROLL), style = MaterialTheme.typography.titleMedium)
        Text(t(UiText.ENROLL_HINT), style = MaterialTheme.typography.bodySmall)
        OutlinedTextField(value = code, onValueChange = { code = it }, label = { Text(t(UiText.ENROLL_CODE)) }, singleLine = true)
        Row(horizontalArrangement = Arrangement.spacedBy(8.dp)) {
            Button(enabled = code.isNotBlank(), onClick = { enroll(code) }) { Text(t(UiText.ENROLL)) }
            OutlinedButton(onClick = {
                try {
                    scan.launch(Intent(SCAN_ACTION).putExtra("SCAN_MODE", "QR_CODE_MODE"))
                } catch (e: ActivityNotFoundException) {
                    enrollMessage = t(UiText.NO_SCANNER)
                }
            }) { Text(t(UiText.SCAN_CODE)) }
        }
        enrollMessage?.let { Text(it) }
    }
}
