package org.fyr.app.ui

import android.Manifest
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
import kotlinx.coroutines.CancellationException
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.launch
import kotlinx.coroutines.withContext
import org.fyr.app.FyrApplication
import org.fyr.core.types.UiText
import org.fyr.app.security.StoreKey
import org.fyr.core.Settings
import org.fyr.core.appLanguages

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

    var scanning by remember { mutableStateOf(false) }
    val languages = remember { appLanguages() }
    val bounds by rememberCore(app) { it.retentionBounds() }
    var retentionText by remember { mutableStateOf<String?>(null) }

    // Enrolling calls the hub: on IO, with the core's words for the result (county and agency in words) or the failure.
    fun enroll(typedOrScanned: String) = scope.launch {
        enrollMessage = try {
            withContext(Dispatchers.IO) {
                val core = app.core()
                val e = core.enroll(typedOrScanned.trim())
                StoreKey.saveDeviceToken(app, e.token)
                core.enrollmentMessage(e)
            }.also { code = "" }
        } catch (e: CancellationException) {
            throw e
        } catch (e: Throwable) {
            app.errorMessage(e)
        }
    }
    val askCamera = rememberLauncherForActivityResult(ActivityResultContracts.RequestPermission()) { granted ->
        if (granted) scanning = true else enrollMessage = t(UiText.SCAN_CAMERA_DENIED)
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
        // Discreet mode: the whole app out of screenshots, screen recording and the recents preview.
        LabelledSwitch(t(UiText.DISCREET_MODE), app.discreet.value) { on -> scope.launch(Dispatchers.IO) { app.setDiscreet(on) } }
        Heading(t(UiText.LANGUAGE))
        FlowRow {
            languages.forEach { l ->
                FilterChip(selected = s.lang == l.id, onClick = { settings = s.copy(lang = l.id) }, label = { Text(l.name) }, modifier = Modifier.padding(2.dp))
            }
        }
        Heading(t(UiText.MUNICIPALITY))
        FlowRow {
            (municipalities as? Loaded.Ok)?.value?.forEach { m ->
                FilterChip(selected = s.homeMunicipality == m.code, onClick = { settings = s.copy(homeMunicipality = m.code) }, label = { Text(m.name) }, modifier = Modifier.padding(2.dp))
            }
        }
        Heading(t(UiText.AGENCY))
        FlowRow {
            (vocab as? Loaded.Ok)?.value?.agencyKinds?.forEach { k ->
                FilterChip(selected = s.agencyKind == k.id, onClick = { settings = s.copy(agencyKind = k.id) }, label = { Text(k.label) }, modifier = Modifier.padding(2.dp))
            }
        }
        // The core's bounds and hint; the core refuses anything outside them (and says so on Save).
        val b = (bounds as? Loaded.Ok)?.value
        val typedDays = retentionText ?: s.retentionDays.toString()
        val outOfRange = b != null && typedDays.toUIntOrNull()?.let { it < b.minDays || it > b.maxDays } ?: true
        OutlinedTextField(
            value = typedDays,
            onValueChange = { v -> retentionText = v; v.toUIntOrNull()?.let { settings = s.copy(retentionDays = it) } },
            label = { Text(t(UiText.RETENTION_DAYS)) },
            supportingText = { Text(if (outOfRange) t(UiText.RETENTION_OUT_OF_RANGE) + " (" + b?.hint.orEmpty() + ")" else b?.hint.orEmpty()) },
            isError = outOfRange,
            singleLine = true,
        )
        Button(enabled = !outOfRange, onClick = {
            scope.launch {
                val langChanged = s.lang != app.lang
                message = when (val r = callCore(app) { it.setSettings(s) }) {
                    is Loaded.Ok -> t(UiText.SAVED)
                    is Loaded.Failed -> r.message
                    Loaded.Loading -> null
                }
                if (langChanged && message == t(UiText.SAVED)) {
                    // The core makes texts in the language it was opened with: reopen, then redraw.
                    withContext(Dispatchers.IO) { runCatching { app.reopen() } }
                    onLanguageChanged()
                }
            }
        }) { Text(t(UiText.SAVE)) }
        message?.let { Text(it) }

        Heading(t(UiText.ENROLL))
        Text(t(UiText.ENROLL_HINT), style = MaterialTheme.typography.bodySmall)
        OutlinedTextField(value = code, onValueChange = { code = it }, label = { Text(t(UiText.ENROLL_CODE)) }, singleLine = true)
        Row(horizontalArrangement = Arrangement.spacedBy(8.dp)) {
            Button(enabled = code.isNotBlank(), onClick = { enroll(code) }) { Text(t(UiText.ENROLL)) }
            OutlinedButton(onClick = { askCamera.launch(Manifest.permission.CAMERA) }) { Text(t(UiText.SCAN_CODE)) }
        }
        if (scanning) {
            QrScanner(
                hint = t(UiText.SCAN_POINT_AT_CODE),
                cancelLabel = t(UiText.CANCEL),
                onCode = { scanned -> scanning = false; code = scanned; enroll(scanned) },
                onCancel = { scanning = false },
            )
        }
        enrollMessage?.let { Text(it) }
    }
}
