// The screening screen's layout model: one item at a time, its progress bar
// and which answer controls to show. The engine (visibility, scoring), the
// counter text ("Fråga 3 av 12") and number parsing (`parseNumber`, decimal
// comma) are the core's.
package org.fyr.presentation

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

fun screeningStep(view: ScreeningView): ScreeningStep {
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
    return ScreeningStep(
        sessionId = view.sessionId,
        title = view.title,
        counter = view.counter,
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
