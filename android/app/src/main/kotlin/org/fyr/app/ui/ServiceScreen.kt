package org.fyr.app.ui

import android.content.ClipData
import android.content.ClipboardManager
import android.content.Context
import android.content.Intent
import android.net.Uri
import androidx.compose.foundation.layout.Arrangement
import androidx.compose.foundation.layout.Column
import androidx.compose.foundation.layout.Row
import androidx.compose.foundation.layout.padding
import androidx.compose.foundation.rememberScrollState
import androidx.compose.foundation.verticalScroll
import androidx.compose.material3.Button
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.OutlinedButton
import androidx.compose.material3.Text
import androidx.compose.runtime.Composable
import androidx.compose.runtime.getValue
import androidx.compose.ui.Alignment
import androidx.compose.ui.Modifier
import androidx.compose.ui.platform.LocalContext
import androidx.compose.ui.unit.dp
import org.fyr.app.FyrApplication
import org.fyr.presentation.ContactKind
import org.fyr.presentation.hitCard

@Composable
fun ServiceScreen(app: FyrApplication, id: String) {
    val ui = uiFor(app)
    val context = LocalContext.current
    val detail by rememberCore(app, id) { it.show(id, null, null) }
    when (val d = detail) {
        is Loaded.Loading -> Text("…", Modifier.padding(16.dp))
        is Loaded.Failed -> ErrorText(d.message)
        is Loaded.Ok -> {
            val s = d.value
            val card = hitCard(s.hit, ui)
            Column(Modifier.padding(16.dp).verticalScroll(rememberScrollState()), verticalArrangement = Arrangement.spacedBy(8.dp)) {
                Text(card.title, style = MaterialTheme.typography.headlineSmall)
                Text(card.subtitle)
                card.badges.forEach { Text(it, color = MaterialTheme.colorScheme.error) }
                Text(card.openLine, style = MaterialTheme.typography.titleMedium)
                card.distance?.let { Text(it) }
                card.actions.forEach { action ->
                    Row(verticalAlignment = Alignment.CenterVertically, horizontalArrangement = Arrangement.spacedBy(8.dp)) {
                        Button(onClick = {
                            val intent = when (action.kind) {
                                ContactKind.TEXT -> Intent(Intent.ACTION_SENDTO, Uri.parse(action.uri))
                                else -> Intent(Intent.ACTION_DIAL, Uri.parse(action.uri))
                            }
                            context.startActivity(intent)
                        }) { Text(action.label) }
                        OutlinedButton(onClick = {
                            val cm = context.getSystemService(Context.CLIPBOARD_SERVICE) as ClipboardManager
                            cm.setPrimaryClip(ClipData.newPlainText(card.title, action.number))
                        }) { Text(ui.copy) }
                    }
                }
                Text(s.description)
                Text(s.role, style = MaterialTheme.typography.bodySmall)
                Text(s.hours, style = MaterialTheme.typography.bodySmall)
                s.address?.let { Text(it) }
                s.hit.web?.let { Text(it) }
                s.schedule.forEach { Text(it, style = MaterialTheme.typography.bodySmall) }
                s.email?.let { Text(it) }
                Text(listOfNotNull(s.verifiedOn, s.source.takeIf { it.isNotBlank() }).joinToString(" · "), style = MaterialTheme.typography.bodySmall)
            }
        }
    }
}
