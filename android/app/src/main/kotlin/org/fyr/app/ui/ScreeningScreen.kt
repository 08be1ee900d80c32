package org.fyr.app.ui

import androidx.compose.foundation.layout.Arrangement
import androidx.compose.foundation.layout.Column
import androidx.compose.foundation.layout.ExperimentalLayoutApi
import androidx.compose.foundation.layout.FlowRow
import androidx.compose.foundation.layout.Row
import androidx.compose.foundation.layout.fillMaxWidth
import androidx.compose.foundation.layout.padding
import androidx.compose.foundation.rememberScrollState
import androidx.compose.foundation.verticalScroll
import androidx.compose.material3.AlertDialog
import androidx.compose.material3.Button
import androidx.compose.material3.FilterChip
import androidx.compose.material3.LinearProgressIndicator
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.OutlinedButton
import androidx.compose.material3.OutlinedTextField
import androidx.compose.material3.Text
import androidx.compose.material3.TextButton
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
import org.fyr.core.types.UiText
import org.fyr.core.Answer
import org.fyr.core.FyrCore
import org.fyr.core.LevelOverride
import org.fyr.core.ScreeningOutcome
import org.fyr.core.ScreeningView
import org.fyr.presentation.AnswerInput
import org.fyr.core.OverrideLevel
import org.fyr.core.parseNumber
import org.fyr.presentation.KeyAction
import org.fyr.presentation.KeyState
import org.fyr.presentation.KeyVault
import org.fyr.presentation.hitRow
import org.fyr.presentation.screeningStep

/**
 * Checklists and sessions to resume → one item at a time (back, skip, hide,
 * discard) → the whole result with its referrals. What is on screen lives in
 * the Application's [ScreeningModel], so a referral opened, a tab switched or
 * a rotation keeps it; the session itself stays sealed in the core.
 */
@Composable
fun ScreeningScreen(app: FyrApplication, onOpenService: (String) -> Unit, onHide: () -> Unit) {
    val t = app.texts()
    val model = app.screening
    val scope = rememberCoroutineScope()
    var error by remember { mutableStateOf<String?>(null) }
    var refresh by remember { mutableStateOf(0) }
    var confirmNewKey by remember { mutableStateOf(false) }

    fun run(f: (FyrCore) -> ScreeningView) = scope.launch {
        when (val r = callCore(app) { core -> f(core).also { app.refreshScreeningsExist(core) } }) {
            is Loaded.Ok -> { model.view.value = r.value; error = null }
            is Loaded.Failed -> error = r.message
            Loaded.Loading -> {}
        }
    }

    Column(Modifier.padding(16.dp).verticalScroll(rememberScrollState()), verticalArrangement = Arrangement.spacedBy(8.dp)) {
        error?.let { ErrorText(it) }
        val done = model.outcome.value
        val current = model.view.value
        when {
            done != null -> OutcomeView(done, t, onOpenService) {
                model.outcome.value = null
                refresh++
            }
            current != null -> StepView(app, current, t, ::run, onHide = { model.hide(); onHide() }, onDiscarded = { refresh++ }) { outcome ->
                model.view.value = null
                model.outcome.value = outcome
            }
            else -> {
                // A key that could not be read is retried (nothing is lost); only a
                // key that was read and is missing or wrong leads to a new one, after confirmation.
                val status by rememberCore(app, refresh) { it.status() }
                val st = (status as? Loaded.Ok)?.value
                when (KeyVault.action(app.keyState.value ?: KeyState.Ready(""), st)) {
                    KeyAction.RETRY -> {
                        ErrorText(t(UiText.KEY_READ_FAILED))
                        Button(onClick = {
                            scope.launch {
                                // Reads the key again and reopens, off the main thread.
                                when (val r = callCore(app) { app.reopen() }) {
                                    is Loaded.Failed -> error = r.message
                                    else -> error = null
                                }
                                refresh++
                            }
                        }) { Text(t(UiText.KEY_RETRY)) }
                    }
                    KeyAction.OFFER_NEW_KEY -> {
                        Heading(t(UiText.SCREENINGS_LOCKED_TITLE))
                        st?.screeningsLocked?.let { ErrorText(it) }
                        Button(onClick = { confirmNewKey = true }) { Text(t(UiText.NEW_SCREENING_KEY)) }
                    }
                    KeyAction.NONE -> {}
                }
                if (confirmNewKey) {
                    AlertDialog(
                        onDismissRequest = { confirmNewKey = false },
                        title = { Text(t(UiText.NEW_SCREENING_KEY)) },
                        text = { Text(t(UiText.NEW_SCREENING_KEY_WARNING)) },
                        confirmButton = {
                            TextButton(onClick = {
                                confirmNewKey = false
                                scope.launch {
                                    // The old wrapped key is set aside (kept), a new one made; then the core re-keys and the store reopens.
                                    when (val r = callCore(app) { core ->
                                        core.resetScreeningKey(app.vault.replace(confirmedScreeningsBecomeUnreadable = true))
                                        app.reopen()
                                    }) {
                                        is Loaded.Failed -> error = r.message
                                        else -> error = null
                                    }
                                    refresh++
                                }
                            }) { Text(t(UiText.NEW_SCREENING_KEY_CONFIRM_BUTTON)) }
                        },
                        dismissButton = { TextButton(onClick = { confirmNewKey = false }) { Text(t(UiText.CANCEL)) } },
                    )
                }
                val lists by rememberCore(app, refresh) { it.checklists() }
                val sessions by rememberCore(app, refresh) { core -> core.screenings().filter { it.state != "completed" } }
                val completed by rememberCore(app, refresh) { core -> core.screenings().filter { it.state == "completed" } }
                // Keys set aside by a reset are deleted once nothing they sealed is left.
                LaunchedEffect(refresh) { callCore(app) { core -> app.vault.purgeAside(core.unreadableScreenings().size) } }
                (sessions as? Loaded.Ok)?.value?.takeIf { it.isNotEmpty() }?.let { open ->
                    Heading(t(UiText.IN_PROGRESS))
                    open.forEach { s ->
                        // Neutral wording only: no checklist name on the start list; the state in the core's words.
                        TextButton(onClick = { run { it.screening(s.sessionId) } }) { Text(t(UiText.RESUME) + " · " + s.stateLabel + " · " + s.startedText) }
                    }
                }
                (completed as? Loaded.Ok)?.value?.takeIf { it.isNotEmpty() }?.let { done ->
                    Heading(t(UiText.COMPLETED))
                    done.forEach { s ->
                        // The result again from the sealed record (survives the process being ended).
                        TextButton(onClick = {
                            scope.launch {
                                when (val r = callCore(app) { core -> model.result(core, s.sessionId) }) {
                                    is Loaded.Ok -> { model.outcome.value = r.value; error = null }
                                    is Loaded.Failed -> error = r.message
                                    Loaded.Loading -> {}
                                }
                            }
                        }) { Text(t(UiText.SHOW_RESULT) + " · " + s.stateLabel + " · " + s.startedText) }
                    }
                }
                Heading(t(UiText.NEW_SCREENING))
                when (val l = lists) {
                    is Loaded.Ok -> l.value.forEach { c ->
                        OutlinedButton(onClick = { run { it.startScreening(c.id, null) } }, modifier = Modifier.fillMaxWidth()) { Text(c.title) }
                    }
                    is Loaded.Failed -> ErrorText(l.message)
                    Loaded.Loading -> Text(t(UiText.LOADING))
                }
            }
        }
    }
}

@Composable
private fun StepView(
    app: FyrApplication,
    current: ScreeningView,
    t: (UiText) -> String,
    run: ((FyrCore) -> ScreeningView) -> Unit,
    onHide: () -> Unit,
    onDiscarded: () -> Unit,
    onCompleted: (ScreeningOutcome) -> Unit,
) {
    val scope = rememberCoroutineScope()
    var confirmDiscard by remember { mutableStateOf(false) }
    var failed by remember { mutableStateOf<String?>(null) }
    val step = screeningStep(current)
    val itemId = step.itemId
    // Discreet mode: one tap, back to the start screen; the session stays sealed and resumable.
    Row(horizontalArrangement = Arrangement.spacedBy(8.dp)) {
        Button(onClick = onHide) { Text(t(UiText.HIDE)) }
        TextButton(onClick = { confirmDiscard = true }) { Text(t(UiText.DISCARD)) }
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
                Button(onClick = { run { it.answer(current.sessionId, itemId, Answer.Yes) } }) { Text(t(UiText.YES)) }
                Button(onClick = { run { it.answer(current.sessionId, itemId, Answer.No) } }) { Text(t(UiText.NO)) }
                OutlinedButton(onClick = { run { it.answer(current.sessionId, itemId, Answer.Unknown) } }) { Text(t(UiText.UNKNOWN)) }
            }
            is AnswerInput.SingleChoice -> Column {
                input.choices.forEach { c ->
                    OutlinedButton(onClick = { run { it.answer(current.sessionId, itemId, Answer.Choice(c.id)) } }, modifier = Modifier.fillMaxWidth()) { Text(c.text) }
                }
            }
            AnswerInput.Number -> {
                var typed by remember(itemId) { mutableStateOf("") }
                OutlinedTextField(value = typed, onValueChange = { typed = it }, singleLine = true)
                Button(enabled = parseNumber(typed) != null, onClick = {
                    parseNumber(typed)?.let { v -> run { it.answer(current.sessionId, itemId, Answer.Number(v)) } }
                }) { Text(t(UiText.OK)) }
            }
            null -> {}
        }
        // Skip: the item stays unanswered (the result then says it is incomplete).
        TextButton(onClick = { run { it.answer(current.sessionId, itemId, Answer.Unknown) } }) { Text(t(UiText.SKIP)) }
    }
    if (step.canGoBack) TextButton(onClick = { run { it.back(current.sessionId) } }) { Text(t(UiText.BACK)) }
    if (step.readyToComplete) {
        var note by remember { mutableStateOf("") }
        var overrideLevel by remember { mutableStateOf<String?>(null) }
        var reason by remember { mutableStateOf("") }
        Heading(t(UiText.OVERRIDE_TITLE))
        OverrideChooser(app, current, t, overrideLevel) { overrideLevel = it }
        if (overrideLevel != null) OutlinedTextField(value = reason, onValueChange = { reason = it }, label = { Text(t(UiText.OVERRIDE_REASON)) })
        OutlinedTextField(value = note, onValueChange = { note = it }, label = { Text(t(UiText.NOTE)) })
        failed?.let { ErrorText(it) }
        Button(onClick = {
            scope.launch {
                val ov = overrideLevel?.let { LevelOverride(it, reason.trim()) }
                when (val r = callCore(app) { core -> core.completeScreening(current.sessionId, ov, note.ifBlank { null }).also { app.refreshScreeningsExist(core) } }) {
                    is Loaded.Ok -> onCompleted(r.value)
                    is Loaded.Failed -> failed = r.message
                    Loaded.Loading -> {}
                }
            }
        }) { Text(t(UiText.SHOW_RESULT)) }
    }
    if (confirmDiscard) {
        AlertDialog(
            onDismissRequest = { confirmDiscard = false },
            confirmButton = {
                TextButton(onClick = {
                    confirmDiscard = false
                    scope.launch {
                        when (val r = callCore(app) { core -> core.discardScreening(current.sessionId).also { app.refreshScreeningsExist(core) } }) {
                            is Loaded.Ok -> { app.screening.hide(); onDiscarded() }
                            is Loaded.Failed -> failed = r.message
                            Loaded.Loading -> {}
                        }
                    }
                }) { Text(t(UiText.DISCARD)) }
            },
            dismissButton = { TextButton(onClick = { confirmDiscard = false }) { Text(t(UiText.CANCEL)) } },
            text = { Text(t(UiText.DISCARD_CONFIRM)) },
        )
    }
}

/**
 * The professional-judgement override: one of the levels the core offers for
 * this session (only above the current result), never a typed level id.
 */
@OptIn(ExperimentalLayoutApi::class)
@Composable
private fun OverrideChooser(app: FyrApplication, current: ScreeningView, t: (UiText) -> String, chosen: String?, onChoose: (String?) -> Unit) {
    val levels by rememberCore(app, current.sessionId, current.answered) { it.overrideLevels(current.sessionId) }
    Text(t(UiText.OVERRIDE_HINT), style = MaterialTheme.typography.bodySmall)
    FlowRow {
        FilterChip(selected = chosen == null, onClick = { onChoose(null) }, label = { Text(t(UiText.OVERRIDE_NONE)) }, modifier = Modifier.padding(2.dp))
        (levels as? Loaded.Ok<List<OverrideLevel>>)?.value?.forEach { l ->
            FilterChip(selected = chosen == l.id, onClick = { onChoose(l.id) }, label = { Text(l.label) }, modifier = Modifier.padding(2.dp))
        }
    }
}

@Composable
private fun OutcomeView(done: ScreeningOutcome, t: (UiText) -> String, onOpenService: (String) -> Unit, onDone: () -> Unit) {
    Text(done.levelLabel, style = MaterialTheme.typography.headlineSmall)
    if (done.incomplete || done.unanswered > 0u) Text(t(UiText.RESULT_INCOMPLETE), color = MaterialTheme.colorScheme.error)
    // Key questions left unanswered: "not assessed", or the level is a floor.
    done.missingKey.forEach { Text(it.text, color = MaterialTheme.colorScheme.error) }
    if (done.overrideUsed) Text(t(UiText.RESULT_OVERRIDE_USED), style = MaterialTheme.typography.bodyMedium)
    if (done.redFlags.isNotEmpty()) {
        Heading(t(UiText.RESULT_RED_FLAGS))
        done.redFlags.forEach { Text(it.text, color = MaterialTheme.colorScheme.error) }
    }
    if (done.actions.isNotEmpty()) {
        Heading(t(UiText.RESULT_ACTIONS))
        done.actions.forEach { Text(it) }
    }
    if (done.leadsTo.isNotEmpty()) {
        Heading(t(UiText.RESULT_LEADS_TO))
        done.leadsTo.forEach { Text(it) }
    }
    if (done.referrals.isNotEmpty()) {
        Heading(t(UiText.RESULT_REFERRALS))
        done.referrals.forEach { hit -> HitCardView(hitRow(hit)) { onOpenService(hit.id) } }
    }
    TextButton(onClick = onDone) { Text(t(UiText.CLOSE)) }
}
