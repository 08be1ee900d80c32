package org.fyr.app.ui

import androidx.compose.foundation.clickable
import androidx.compose.foundation.layout.Arrangement
import androidx.compose.foundation.layout.Column
import androidx.compose.foundation.layout.Row
import androidx.compose.foundation.layout.fillMaxWidth
import androidx.compose.foundation.layout.padding
import androidx.compose.foundation.rememberScrollState
import androidx.compose.foundation.verticalScroll
import androidx.compose.material3.AlertDialog
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
import org.fyr.core.FyrCore
import org.fyr.core.LevelOverride
import org.fyr.core.ScreeningOutcome
import org.fyr.core.ScreeningView
import org.fyr.presentation.AnswerInput
import org.fyr.presentation.Ui
import org.fyr.presentation.hitCard
import org.fyr.presentation.parseNumberAnswer
import org.fyr.presentation.redFlagLine
import org.fyr.presentation.screeningStep

/**
 * Checklists and sessions to resume → one item at a time (back, skip, hide,
 * discard) → the whole result with its referrals. What is on screen lives in
 * the Application's [ScreeningModel], so a referral opened, a tab switched or
 * a rotation keeps it; the session itself stays sealed in the core.
 */
@Composable
fun ScreeningScreen(app: FyrApplication, onOpenService: (String) -> Unit, onHide: () -> Unit) {
    val ui = app.ui()
    val model = app.screening
    val scope = rememberCoroutineScope()
    var error by remember { mutableStateOf<String?>(null) }
    var refresh by remember { mutableStateOf(0) }

    fun run(f: (FyrCore) -> ScreeningView) = scope.launch {
        when (val r = callCore(app, f)) {
            is Loaded.Ok -> { model.view.value = r.value; error = null }
            is Loaded.Failed -> error = r.message
            Loaded.Loading -> {}
        }
    }

    Column(Modifier.padding(16.dp).verticalScroll(rememberScrollState()), verticalArrangement = Arrangement.spacedBy(8.dp)) {
        app.keyProblem?.let { ErrorText(ui.keyProblem + "\n" + it) }
        error?.let { ErrorText(it) }
        val done = model.outcome.value
        val current = model.view.value
        when {
            done != null -> OutcomeView(done, ui, onOpenService) {
                model.outcome.value = null
                refresh++
            }
            current != null -> StepView(app, current, ui, ::run, onHide = { model.hide(); onHide() }, onDiscarded = { refresh++ }) { outcome ->
                model.view.value = null
                model.outcome.value = outcome
            }
            else -> {
                val lists by rememberCore(app, refresh) { it.checklists() }
                val sessions by rememberCore(app, refresh) { core -> core.screenings().filter { it.state == "in_progress" } }
                (sessions as? Loaded.Ok)?.value?.takeIf { it.isNotEmpty() }?.let { open ->
                    Text(ui.resume, style = MaterialTheme.typography.titleMedium)
                    open.forEach { s ->
                        // Neutral wording only: no checklist name on the start list.
                        Text("↻ " + ui.resumeLine(s.answered), Modifier.clickable { run { it.screening(s.sessionId) } }.padding(8.dp))
                    }
                }
                Text(ui.startNew, style = MaterialTheme.typography.titleMedium)
                when (val l = lists) {
                    is Loaded.Ok -> l.value.forEach { c ->
                        OutlinedButton(onClick = { run { it.startScreening(c.id, null) } }, modifier = Modifier.fillMaxWidth()) { Text(c.title) }
                    }
                    is Loaded.Failed -> ErrorText(l.message)
                    Loaded.Loading -> Text(ui.loading)
                }
            }
        }
    }
}

@Composable
private fun StepView(
    app: FyrApplication,
    current: ScreeningView,
    ui: Ui,
    run: ((FyrCore) -> ScreeningView) -> Unit,
    onHide: () -> Unit,
    onDiscarded: () -> Unit,
    onCompleted: (ScreeningOutcome) -> Unit,
) {
    val scope = rememberCoroutineScope()
    var confirmDiscard by remember { mutableStateOf(false) }
    var failed by remember { mutableStateOf<String?>(null) }
    val step = screeningStep(current, ui)
    val itemId = step.itemId
    // Discreet mode: one tap, back to the start screen; the session stays sealed and resumable.
    Row(horizontalArrangement = Arrangement.spacedBy(8.dp)) {
        Button(onClick = onHide) { Text(ui.hide) }
        TextButton(onClick = { confirmDiscard = true }) { Text(ui.discard) }
    }
    Text(step.title, style = MaterialTheme.typography.titleMedium)
    current.notice?.let { Text(it, style = MaterialTheme.typography.bodySmall) }
    Text(step.counter)
    LinearProgressIndicator(progress = { step.progress }, modifier = Modifier.fillMaxWidth())
    step.section?.let { Text(it, style = MaterialTheme.typography.labelLarge) }
    step.question?.let { Text(it, style = MaterialTheme.typography.headlineSmall) }
    step.help?.let { Text(it, style = MaterialTheme.typography.bodySmall) }
    if (itemId != null) {
        when (val input = step.input) {
            AnswerInput.YesNoUnknown -> Row(horizontalArrangement = Arrangement.spacedBy(8.dp)) {
                Button(onClick = { run { it.answer(current.sessionId, itemId, Answer.Yes) } }) { Text(ui.yes) }
                Button(onClick = { run { it.answer(current.sessionId, itemId, Answer.No) } }) { Text(ui.no) }
                OutlinedButton(onClick = { run { it.answer(current.sessionId, itemId, Answer.Unknown) } }) { Text(ui.unknown) }
            }
            is AnswerInput.SingleChoice -> Column {
                input.choices.forEach { c ->
                    OutlinedButton(onClick = { run { it.answer(current.sessionId, itemId, Answer.Choice(c.id)) } }, modifier = Modifier.fillMaxWidth()) { Text(c.text) }
                }
            }
            AnswerInput.Number -> {
                var typed by remember(itemId) { mutableStateOf("") }
                OutlinedTextField(value = typed, onValueChange = { typed = it }, singleLine = true)
                Button(enabled = parseNumberAnswer(typed) != null, onClick = {
                    parseNumberAnswer(typed)?.let { a -> run { it.answer(current.sessionId, itemId, a) } }
                }) { Text("OK") }
            }
            null -> {}
        }
        // Skip: the item stays unanswered (the result then says it is incomplete).
        TextButton(onClick = { run { it.answer(current.sessionId, itemId, Answer.Unknown) } }) { Text(ui.skip) }
    }
    if (step.canGoBack) TextButton(onClick = { run { it.back(current.sessionId) } }) { Text(ui.back) }
    if (step.readyToComplete) {
        var note by remember { mutableStateOf("") }
        var overrideLevel by remember { mutableStateOf<String?>(null) }
        var reason by remember { mutableStateOf("") }
        Text(ui.overrideTitle, style = MaterialTheme.typography.titleMedium)
        OverrideChooser(current, ui, overrideLevel) { overrideLevel = it }
        if (overrideLevel != null) OutlinedTextField(value = reason, onValueChange = { reason = it }, label = { Text(ui.reason) })
        OutlinedTextField(value = note, onValueChange = { note = it }, label = { Text(ui.note) })
        failed?.let { ErrorText(it) }
        Button(onClick = {
            scope.launch {
                val ov = overrideLevel?.let { LevelOverride(it, reason.trim()) }
                when (val r = callCore(app) { it.completeScreening(current.sessionId, ov, note.ifBlank { null }) }) {
                    is Loaded.Ok -> onCompleted(r.value)
                    is Loaded.Failed -> failed = r.message
                    Loaded.Loading -> {}
                }
            }
        }) { Text(ui.finish) }
    }
    if (confirmDiscard) {
        AlertDialog(
            onDismissRequest = { confirmDiscard = false },
            confirmButton = {
                TextButton(onClick = {
                    confirmDiscard = false
                    scope.launch {
                        when (val r = callCore(app) { it.discardScreening(current.sessionId) }) {
                            is Loaded.Ok -> { app.screening.hide(); onDiscarded() }
                            is Loaded.Failed -> failed = r.message
                            Loaded.Loading -> {}
                        }
                    }
                }) { Text(ui.discard) }
            },
            dismissButton = { TextButton(onClick = { confirmDiscard = false }) { Text(ui.cancel) } },
            text = { Text(ui.discardConfirm) },
        )
    }
}

/**
 * The professional-judgement override. The levels come from the core
 * (OVERRIDE_LEVELS_FROM_CORE: the FFI does not list them yet — see
 * android/README.md); until it does, only "no change" is offered rather than
 * a free-text level id.
 */
@Composable
private fun OverrideChooser(current: ScreeningView, ui: Ui, chosen: String?, onChoose: (String?) -> Unit) {
    androidx.compose.material3.FilterChip(selected = chosen == null, onClick = { onChoose(null) }, label = { Text(ui.overrideNone) })
}

@Composable
private fun OutcomeView(done: ScreeningOutcome, ui: Ui, onOpenService: (String) -> Unit, onDone: () -> Unit) {
    Text(done.levelLabel, style = MaterialTheme.typography.headlineSmall)
    if (done.incomplete || done.unanswered > 0u) Text(ui.unanswered(done.unanswered), color = MaterialTheme.colorScheme.error)
    if (done.overrideUsed) Text(ui.overrideUsed, style = MaterialTheme.typography.bodyMedium)
    if (done.redFlags.isNotEmpty()) {
        Text(ui.redFlags, style = MaterialTheme.typography.titleMedium, color = MaterialTheme.colorScheme.error)
        done.redFlags.forEach { Text("⚑ " + redFlagLine(it), color = MaterialTheme.colorScheme.error) }
    }
    if (done.actions.isNotEmpty()) {
        Text(ui.actions, style = MaterialTheme.typography.titleMedium)
        done.actions.forEach { Text("• $it") }
    }
    if (done.leadsTo.isNotEmpty()) {
        Text(ui.leadsTo, style = MaterialTheme.typography.titleMedium)
        done.leadsTo.forEach { Text("→ $it") }
    }
    if (done.referrals.isNotEmpty()) {
        Text(ui.referrals, style = MaterialTheme.typography.titleMedium)
        done.referrals.forEach { hit -> HitCardView(hitCard(hit, ui)) { onOpenService(hit.id) } }
    }
    TextButton(onClick = onDone) { Text(ui.done) }
}
