package org.fyr.app.ui

import android.content.Context
import android.content.Intent
import android.net.Uri
import androidx.compose.foundation.layout.Arrangement
import androidx.compose.foundation.layout.Column
import androidx.compose.foundation.layout.ExperimentalLayoutApi
import androidx.compose.foundation.layout.FlowRow
import androidx.compose.foundation.layout.Row
import androidx.compose.foundation.layout.padding
import androidx.compose.foundation.rememberScrollState
import androidx.compose.foundation.verticalScroll
import androidx.compose.material3.FilterChip
import androidx.compose.material3.Button
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.OutlinedButton
import androidx.compose.material3.OutlinedTextField
import androidx.compose.material3.Text
import androidx.compose.material3.TextButton
import androidx.compose.runtime.Composable
import androidx.compose.runtime.getValue
import androidx.compose.runtime.mutableStateOf
import androidx.compose.runtime.remember
import androidx.compose.runtime.rememberCoroutineScope
import androidx.compose.runtime.setValue
import androidx.compose.ui.Alignment
import androidx.compose.ui.Modifier
import androidx.compose.ui.platform.LocalContext
import androidx.compose.ui.semantics.contentDescription
import androidx.compose.ui.semantics.semantics
import androidx.compose.ui.unit.dp
import kotlinx.coroutines.launch
import org.fyr.app.FyrApplication
import org.fyr.core.types.UiText
import org.fyr.core.types.ContactAction
import org.fyr.presentation.OpenWith
import org.fyr.presentation.hitRow
import org.fyr.presentation.openWith

/**
 * Hands a contact action to the platform: a call opens the dialer (never
 * calls by itself), a text the messaging app, a chat its web page. A phone
 * with no app for it (a tablet without a dialer) gets the number copied and
 * a message instead of a crash.
 */
private fun open(app: FyrApplication, context: Context, action: ContactAction): Boolean {
    val intent = when (openWith(action)) {
        OpenWith.DIAL -> Intent(Intent.ACTION_DIAL, Uri.parse(action.uri))
        OpenWith.SEND_TO -> Intent(Intent.ACTION_SENDTO, Uri.parse(action.uri))
        OpenWith.VIEW -> Intent(Intent.ACTION_VIEW, Uri.parse(action.uri))
    }
    if (startContact(context, intent)) return true
    copySensitive(app, context, action.number)
    return false
}

@OptIn(ExperimentalLayoutApi::class)
@Composable
fun ServiceScreen(app: FyrApplication, id: String) {
    val t = app.texts()
    val context = LocalContext.current
    val scope = rememberCoroutineScope()
    var note by remember { mutableStateOf<String?>(null) }
    var reporting by remember { mutableStateOf(false) }
    var report by remember { mutableStateOf("") }
    var reason by remember { mutableStateOf<String?>(null) }
    val detail by rememberCore(app, id) { it.show(id, null, null) }
    val reasons by rememberCore(app) { it.reportReasons() }
    when (val d = detail) {
        is Loaded.Loading -> Text(t(UiText.LOADING), Modifier.padding(16.dp))
        is Loaded.Failed -> ErrorText(d.message)
        is Loaded.Ok -> {
            val s = d.value
            val card = hitRow(s.hit)
            Column(Modifier.padding(16.dp).verticalScroll(rememberScrollState()), verticalArrangement = Arrangement.spacedBy(8.dp)) {
                Text(card.title, style = MaterialTheme.typography.headlineSmall)
                Text(card.subtitle)
                if (card.badges.isNotEmpty()) FlowRow(horizontalArrangement = Arrangement.spacedBy(6.dp)) { card.badges.forEach { Badge(it) } }
                Text(card.openLine, style = MaterialTheme.typography.titleMedium)
                card.distance?.let { Text(it) }
                card.actions.forEach { action ->
                    Row(verticalAlignment = Alignment.CenterVertically, horizontalArrangement = Arrangement.spacedBy(8.dp)) {
                        // The label holds the number isolated left to right (the core's display form).
                        Button(onClick = { if (!open(app, context, action)) note = t(UiText.CANNOT_CALL) }) { Text(action.label) }
                        OutlinedButton(
                            onClick = { copySensitive(app, context, action.number); note = t(UiText.COPIED_SENSITIVE) },
                            modifier = Modifier.semantics { contentDescription = t(UiText.COPY) + " " + action.display },
                        ) { Text(t(UiText.COPY)) }
                    }
                }
                note?.let { Text(it, style = MaterialTheme.typography.bodySmall) }
                Text(s.description)
                Text(s.role, style = MaterialTheme.typography.bodySmall)
                Text(s.hours, style = MaterialTheme.typography.bodySmall)
                s.address?.let { Text(it) }
                s.hit.web?.let { Text(it) }
                s.schedule.forEach { Text(it, style = MaterialTheme.typography.bodySmall) }
                s.email?.let { Text(it) }
                if (s.verifiedLine.isNotBlank()) Text(s.verifiedLine, style = MaterialTheme.typography.bodySmall)
                // "Wrong number / closed": a correction report into the outbox (the core refuses personal data).
                if (!reporting) {
                    TextButton(onClick = { reporting = true }) { Text(t(UiText.REPORT_ERROR)) }
                } else {
                    Text(t(UiText.REPORT_ERROR_HINT), style = MaterialTheme.typography.bodySmall)
                    // The structured reason (ids as the core and hub take them; labels from the core).
                    FlowRow(horizontalArrangement = Arrangement.spacedBy(4.dp)) {
                        val list = (reasons as? Loaded.Ok)?.value.orEmpty()
                        list.forEach { r ->
                            FilterChip(selected = (reason ?: list.first().id) == r.id, onClick = { reason = r.id }, label = { Text(r.label) })
                        }
                    }
                    OutlinedTextField(value = report, onValueChange = { report = it }, label = { Text(t(UiText.REPORT_ERROR)) })
                    Button(enabled = report.isNotBlank(), onClick = {
                        val why = reason ?: (reasons as? Loaded.Ok)?.value?.firstOrNull()?.id ?: return@Button
                        scope.launch {
                            note = when (val r = callCore(app) { it.reportError(id, why, report.trim()) }) {
                                is Loaded.Ok -> { reporting = false; report = ""; t(UiText.REPORT_ERROR_QUEUED) }
                                is Loaded.Failed -> r.message
                                Loaded.Loading -> null
                            }
                        }
                    }) { Text(t(UiText.REPORT_ERROR_SEND)) }
                }
            }
        }
    }
}
