package org.fyr.app.ui

import androidx.compose.foundation.clickable
import androidx.compose.foundation.layout.Arrangement
import androidx.compose.foundation.layout.Column
import androidx.compose.foundation.layout.Row
import androidx.compose.foundation.layout.fillMaxWidth
import androidx.compose.foundation.layout.padding
import androidx.compose.foundation.rememberScrollState
import androidx.compose.foundation.verticalScroll
import androidx.compose.material3.Button
import androidx.compose.material3.LinearProgressIndicator
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
import androidx.compose.ui.Modifier
import androidx.compose.ui.unit.dp
import kotlinx.coroutines.launch
import org.fyr.app.FyrApplication
import org.fyr.core.Answer
import org.fyr.core.LevelOverride
import org.fyr.core.ScreeningOutcome
import org.fyr.core.ScreeningView
import org.fyr.presentation.AnswerInput
import org.fyr.presentation.hitCard
import org.fyr.presentation.parseNumberAnswer
import org.fyr.presentation.screeningStep

/** Checklists and sessions to resume → one item at a time → the result with its referrals. */
@Composable
fun ScreeningScreen(app: FyrApplication, onOpenService: (String) -> Unit) {
    val ui = uiFor(app)
    val scope = rememberCoroutineScope()
    var view by remember { mutableStateOf<ScreeningView?>(null) }
    var outcome by remember { mutableStateOf<ScreeningOutcome?>(null) }
    var error by remember { mutableStateOf<String?>(null) }
    var refresh by remember { mutableStateOf(0) }

    fun run(f: (org.fyr.core.FyrCore) -> ScreeningView) = scope.launch {
        when (val r = callCore(app, f)) {
            is Loaded.Ok -> { view = r.value; error = null }
            is Loaded.Failed -> error = r.message
            Loaded.Loading -> {}
        }
    }

    Column(Modifier.padding(16.dp).verticalScroll(rememberScrollState()), verticalArrangement = Arrangement.spacedBy(8.dp)) {
        error?.let { ErrorText(it) }
        val done = outcome
        val current = view
        when {
            done != null -> {
                Text(done.levelLabel, style = MaterialTheme.typography.headlineSmall)
                if (done.unanswered > 0u) Text("${done.unanswered} ?", color = MaterialTheme.colorScheme.error)
                done.missingKey.forEach { Text("? ${it.text}", color = MaterialTheme.colorScheme.error) }
                done.redFlags.forEach { Text("⚑ ${it.text}", color = MaterialTheme.colorScheme.error) }
                done.actions.forEach { Text("• $it") }
                done.referrals.forEach { hit -> HitCardView(hitCard(hit, ui)) { onOpenService(hit.id) } }
                TextButton(onClick = { outcome = null; view = null; refresh++ }) { Text(ui.back) }
            }
            current != null -> {
                val step = screeningStep(current, ui)
                Text(step.title, style = MaterialTheme.typography.titleMedium)
                Text(step.counter)
                LinearProgressIndicator(progress = { step.progress }, modifier = Modifier.fillMaxWidth())
                step.section?.let { Text(it, style = MaterialTheme.typography.labelLarge) }
                step.question?.let { Text(it, style = MaterialTheme.typography.headlineSmall) }
                step.help?.let { Text(it, style = MaterialTheme.typography.bodySmall) }
                val itemId = step.itemId
                when (val input = step.input) {
                    AnswerInput.YesNoUnknown -> Row(horizontalArrangement = Arrangement.spacedBy(8.dp)) {
                        Button(onClick = { run { it.answer(current.sessionId, itemId!!, Answer.Yes) } }) { Text(ui.yes) }
                        Button(onClick = { run { it.answer(current.sessionId, itemId!!, Answer.No) } }) { Text(ui.no) }
                        OutlinedButton(onClick = { run { it.answer(current.sessionId, itemId!!, Answer.Unknown) } }) { Text(ui.unknown) }
                    }
                    is AnswerInput.SingleChoice -> Column {
                        input.choices.forEach { c ->
                            OutlinedButton(onClick = { run { it.answer(current.sessionId, itemId!!, Answer.Choice(c.id)) } }, modifier = Modifier.fillMaxWidth()) { Text(c.text) }
                        }
                        TextButton(onClick = { run { it.answer(current.sessionId, itemId!!, Answer.Unknown) } }) { Text(ui.unknown) }
                    }
                    AnswerInput.Number -> {
                        var typed by remember(itemId) { mutableStateOf("") }
                        OutlinedTextField(value = typed, onValueChange = { typed = it }, singleLine = true)
                        Button(enabled = parseNumberAnswer(typed) != null, onClick = {
                            val a = parseNumberAnswer(typed) ?: return@Button
                            run { it.answer(current.sessionId, itemId!!, a) }
                        }) { Text("OK") }
                    }
                    null -> {}
                }
                if (step.canGoBack) TextButton(onClick = { run { it.back(current.sessionId) } }) { Text(ui.back) }
                if (step.readyToComplete) {
                    var note by remember { mutableStateOf("") }
                    var overrideLevel by remember { mutableStateOf("") }
                    var reason by remember { mutableStateOf("") }
                    OutlinedTextField(value = overrideLevel, onValueChange = { overrideLevel = it }, label = { Text("Professional judgement: level (optional)") })
                    OutlinedTextField(value = reason, onValueChange = { reason = it }, label = { Text("Reason") })
                    OutlinedTextField(value = note, onValueChange = { note = it }, label = { Text("Note (stays encrypted on this device)") })
                    Button(onClick = {
                        scope.launch {
                            val ov = overrideLevel.takeIf { it.isNotBlank() }?.let { LevelOverride(it.trim(), reason) }
                            when (val r = callCore(app) { it.completeScreening(current.sessionId, ov, note.ifBlank { null }) }) {
                                is Loaded.Ok -> { outcome = r.value; error = null }
                                is Loaded.Failed -> error = r.message
                                Loaded.Loading -> {}
                            }
                        }
                    }) { Text(ui.finish) }
                }
            }
            else -> {
                val lists by rememberCore(app, refresh) { it.checklists() }
                val sessions by rememberCore(app, refresh) { core -> core.screenings().filter { it.state == "in_progress" } }
                (sessions as? Loaded.Ok)?.value?.forEach { s ->
                    Text("↻ ${s.checklist} (${s.started})", Modifier.clickable { run { it.screening(s.sessionId) } }.padding(8.dp))
                }
                when (val l = lists) {
                    is Loaded.Ok -> l.value.forEach { c ->
                        OutlinedButton(onClick = { run { it.startScreening(c.id, null) } }, modifier = Modifier.fillMaxWidth()) {
                            Text(c.title + if (c.example) " (exempel)" else "")
                        }
                    }
                    is Loaded.Failed -> ErrorText(l.message)
                    Loaded.Loading -> Text("…")
                }
            }
        }
    }
}
