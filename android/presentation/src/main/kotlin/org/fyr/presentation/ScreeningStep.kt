// The screening screen's model: one item at a time, its progress and which
// answer controls to show. The engine (visibility, scoring) stays in the core.
package org.fyr.presentation

import org.fyr.core.Answer
import org.fyr.core.Choice
import org.fyr.core.ScreeningView

sealed class AnswerInput {
    object YesNoUnknown : AnswerInput()
    data class SingleChoice(val choices: List<Choice>) : AnswerInput()
    object Number : AnswerInput()
}

data class ScreeningStep(
    val sessionId: String,
    val title: String,
    val counter: String,
    /** 0.0 … 1.0: answered of the items visible so far. */
    val progress: Float,
    val itemId: String?,
    val section: String?,
    val question: String?,
    val help: String?,
    val input: AnswerInput?,
    val canGoBack: Boolean,
    /** Every visible item is answered: show "Show result". */
    val readyToComplete: Boolean,
)

fun screeningStep(view: ScreeningView, ui: Ui): ScreeningStep {
    val visible = view.visible.toInt()
    val answered = view.answered.toInt()
    val item = view.nextItem
    val input = item?.let {
        when {
            it.choices.isNotEmpty() -> AnswerInput.SingleChoice(it.choices)
            it.answerType.contains("number") -> AnswerInput.Number
            else -> AnswerInput.YesNoUnknown
        }
    }
    val position = if (item == null) answered else answered + 1
    return ScreeningStep(
        sessionId = view.sessionId,
        title = view.title,
        counter = ui.question(position.coerceAtMost(maxOf(visible, position)), maxOf(visible, position)),
        progress = if (visible == 0) 0f else answered.toFloat() / visible.toFloat(),
        itemId = item?.id,
        section = item?.section,
        question = item?.text,
        help = item?.help,
        input = input,
        canGoBack = view.canGoBack,
        readyToComplete = item == null,
    )
}

/** Parses what was typed into a number field: "3", "3,5" (Swedish) or "3.5"; null if it is not a number. */
fun parseNumberAnswer(text: String): Answer.Number? {
    val t = text.trim().replace('\u00a0', ' ').replace(" ", "").replace(',', '.')
    if (t.isEmpty()) return null
    val v = t.toDoubleOrNull() ?: return null
    if (v.isNaN() || v.isInfinite()) return null
    return Answer.Number(v)
}

/**
 * A red flag as a line of text: the item and the level it leads to (never the
 * record's debug form). The core's own red-flag text replaces this once the
 * FFI carries it.
 */
fun redFlagLine(flag: org.fyr.core.RedFlag): String = "${flag.item.replace('_', ' ')} → ${flag.level.replace('_', ' ')}"
